using System.Globalization;
using BatchGen.Cli.Logging;
using BatchGen.Cli.Notify;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Run;

/// <summary>
/// Which batch directory a run works in, and the spend file beside the batches: <c>--out</c> (rendered), else with
/// <c>--resume-latest</c> the newest unfinished batch of this manifest recorded there, else the manifest's output
/// directory for the batch time. The spend file is only opened when needed (dated directories, period caps,
/// <c>--resume-latest</c>).
/// </summary>
internal sealed class BatchSelection(Manifest manifest, RunInvocation invocation, LogSink log) : IDisposable
{
    private const string TimeKey = "batch_time";
    private const string ZoneKey = "time_zone";
    private SpendBook? _book;

    private bool NeedsBook => invocation.ResumeLatest || manifest.DatedOutputDirectory || !manifest.PeriodCaps.IsEmpty;

    /// <summary>The directory holding the batches (and the spend file): beside <c>--out</c>, else from the manifest.</summary>
    public string BatchesDirectory => invocation.OutputDirectory is { } o
        ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(manifest.RenderDirectory(o))) ?? manifest.BatchesDirectory
        : manifest.BatchesDirectory;

    public string ChooseDirectory()
    {
        if (invocation.OutputDirectory is { } output)
        {
            return manifest.RenderDirectory(output);
        }

        if (invocation.ResumeLatest && Book().LatestUnfinished(manifest.Path) is { } latest && Directory.Exists(latest.Directory))
        {
            log.Write(LogLevel.Information, "batch_resumed", $"resuming the unfinished batch {latest.Directory} (named for {latest.Stamp:yyyy-MM-dd HH:mm} {latest.TimeZone})");
            return latest.Directory;
        }

        return manifest.OutputDirectory;
    }

    /// <summary>Records the batch in the spend file; returns its period budget when the manifest sets a period cap.</summary>
    public IPeriodBudget? Register(string directory, BatchTime time, BatchClock clock)
    {
        if (!NeedsBook)
        {
            return null;
        }

        var book = Book();
        book.RegisterBatch(new BatchRecord(directory, manifest.Path, time.Local, time.Zone.Id, clock.Now(), Finished: false));
        _zone = time.Zone;
        _clock = clock;
        if (manifest.PeriodCaps.IsEmpty)
        {
            return null;
        }

        // Holdings an earlier process of this batch left (stopped or crashed) are gone with it.
        book.ClearHoldings(directory);
        return new PeriodBudget(book, directory, manifest.PeriodCaps, time.Zone, clock.Now);
    }

    /// <summary>
    /// What this batch spent per day under the spend file (while on a SQLite ledger), for a fleet worker to carry into
    /// PostgreSQL; null when the manifest sets no period cap or the batch is not in the spend file.
    /// </summary>
    public LocalPeriodSpend? LocalSpend(string directory)
    {
        if (manifest.PeriodCaps.IsEmpty || _book is null)
        {
            return null;
        }

        return LocalPeriodSpend.Read(_book, directory);
    }

    /// <summary>
    /// Marks the batch finished when no job is left to run; fills the period figures of the notification from the spend
    /// file, unless the run is a fleet worker (<paramref name="periodInFleet"/>: its caps count in PostgreSQL).
    /// </summary>
    public void Finish(string directory, RunSummary summary, RunNotice notice, bool periodInFleet = false)
    {
        if (_book is null || _zone is null || _clock is null)
        {
            return;
        }

        var open = summary.Count(JobState.Pending) + summary.Count(JobState.Submitting) + summary.Count(JobState.Submitted)
            + summary.Count(JobState.Running) + summary.Count(JobState.Generated) + summary.Count(JobState.Blocked);
        _book.RegisterBatch(new BatchRecord(directory, manifest.Path, manifest.Time.Local, _zone.Id, _clock.Now(), Finished: open == 0 && summary.StopReason == RunStopReason.None));
        if (!manifest.PeriodCaps.IsEmpty && !periodInFleet)
        {
            var today = TimeZoneInfo.ConvertTime(_clock.Now(), _zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            notice.SpentTodayUsd = _book.TotalUsd(today);
            notice.SpentThisMonthUsd = _book.TotalUsd(today[..7]);
        }
    }

    public static async Task<DateTimeOffset?> RecordedTimeAsync(ILedger ledger, CancellationToken cancellationToken) =>
        await ledger.GetMetaAsync(TimeKey, cancellationToken).ConfigureAwait(false) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    /// <summary>Records the batch time once (its first run); later runs keep it.</summary>
    public static async Task RecordTimeAsync(ILedger ledger, BatchTime time, CancellationToken cancellationToken)
    {
        if (await ledger.GetMetaAsync(TimeKey, cancellationToken).ConfigureAwait(false) is null)
        {
            await ledger.SetMetaAsync(TimeKey, time.Local.ToString("O", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync(ZoneKey, time.Zone.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _book?.Dispose();

    private TimeZoneInfo? _zone;
    private BatchClock? _clock;

    // A simulated run keeps its own spend file: its money never counts against real caps, its batches are never resumed by real runs.
    private SpendBook Book() => _book ??= SpendBook.Open(BatchesDirectory, invocation.Simulate);
}
