using System.Threading.Channels;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// download -> verify -> record: streams every output of a result to disk (resuming with Range), verifies it and
/// records its SHA-256, one ledger record per output. An expired URL is refreshed by asking the provider for the task
/// again; a failed download never triggers a new generation.
/// </summary>
internal sealed partial class DownloadStage
{
    private readonly RunContext _context;
    private readonly IReadOnlyDictionary<string, ResilientProviderClient> _clients;

    public DownloadStage(RunContext context, IReadOnlyDictionary<string, ResilientProviderClient> clients)
    {
        _context = context;
        _clients = clients;
        Items = Channel.CreateBounded<DownloadItem>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait });
    }

    public Channel<DownloadItem> Items { get; }

    public Task RunAsync() =>
        Task.WhenAll(Enumerable.Range(0, _context.Options.DownloadConcurrency).Select(_ => _context.GuardAsync(WorkerAsync)));

    private async Task WorkerAsync()
    {
        await foreach (var item in Items.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await ProcessAndCountAsync(item).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads (or saves) one result, verifies and records it, and counts the outcome.</summary>
    public async Task ProcessAndCountAsync(DownloadItem item)
    {
        var progress = _context.Progress.For(item.Spec.Provider);
        try
        {
            if (await ProcessAsync(item).ConfigureAwait(false))
            {
                progress.AddSucceeded();
            }
            else
            {
                progress.AddFailed();
            }
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            // Left Generated in the ledger: the next run downloads it (a .part file resumes with Range).
        }
    }

    private async Task<bool> ProcessAsync(DownloadItem item)
    {
        var spec = item.Spec;
        var expected = JobOutputs.Expected(_context, spec);
        var outputDirectory = _context.Options.OutputDirectory;

        if (item.InlineVideo is { } video)
        {
            // Never cancelled: these bytes were paid for and exist nowhere else.
            var inline = await _context.Downloader.SaveInlineAsync(video, outputDirectory, spec.OutputPath, expected, CancellationToken.None).ConfigureAwait(false);
            var first = new LedgerOutput { Index = 1 };
            return inline.Success
                ? await RecordSuccessAsync(item, [new SavedOutput(JobOutputs.Saved(first, inline), inline.Video)], taken: 0).ConfigureAwait(false)
                : await RecordFailureAsync(item, [], inline).ConfigureAwait(false);
        }

        var outputs = item.Outputs.OrderBy(o => o.Index).ToList();
        var saved = new SortedDictionary<int, SavedOutput>();
        if (item.TakeExisting)
        {
            await TakeExistingAsync(item, outputs, saved).ConfigureAwait(false);
        }

        var taken = saved.Count;
        DownloadOutcome? last = null;
        var gone = false;
        for (var attempt = 1; attempt <= _context.Options.MaxDownloadAttempts; attempt++)
        {
            if (outputs.Count == 0 || outputs.Any(o => !saved.ContainsKey(o.Index) && o.ResultUrl is null))
            {
                var (fresh, failure, lost) = await RefreshAsync(item, outputs).ConfigureAwait(false);
                if (fresh is null)
                {
                    (last, gone) = (failure, lost);
                    break;
                }

                outputs = fresh;
            }

            last = await DownloadPendingAsync(spec, outputs, saved, expected).ConfigureAwait(false);
            if (last is null || last.Failure == DownloadFailureKind.VerifyFailed || (!last.Retryable && last.Failure != DownloadFailureKind.Expired))
            {
                break;
            }

            if (last.Failure == DownloadFailureKind.Expired)
            {
                continue;
            }

            var backoff = TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4)));
            await Task.Delay(backoff, _context.Time, _context.StopToken).ConfigureAwait(false);
        }

        return last is null && outputs.Count > 0 && outputs.All(o => saved.ContainsKey(o.Index))
            ? await RecordSuccessAsync(item, saved.Values.ToList(), taken).ConfigureAwait(false)
            : await RecordFailureAsync(item, saved.Values.Select(s => s.Output).ToList(), last ?? NoResult(item), gone).ConfigureAwait(false);
    }

    /// <summary>Resume: keeps every output whose file is already on disk and verifies (same SHA-256 when one is recorded).</summary>
    private async Task TakeExistingAsync(DownloadItem item, List<LedgerOutput> outputs, SortedDictionary<int, SavedOutput> saved)
    {
        var expected = JobOutputs.Expected(_context, item.Spec);
        foreach (var output in outputs)
        {
            var check = await VideoDownloader.VerifyExistingAsync(
                _context.Options.OutputDirectory, JobOutputs.PathOf(item.Spec, output), expected, output.Sha256, _context.HardStopToken, output.Stamp).ConfigureAwait(false);
            if (check.Success && (output.Bytes is null || output.Bytes == check.Bytes))
            {
                saved[output.Index] = new SavedOutput(JobOutputs.Saved(output, check), check.Video);
            }
        }
    }

    /// <summary>
    /// Downloads, in order, the outputs not saved yet. Returns null when all are saved, else the first failure (an
    /// expired output loses its URL, so the next attempt asks the provider for a fresh one).
    /// </summary>
    private async Task<DownloadOutcome?> DownloadPendingAsync(Jobs.JobSpec spec, List<LedgerOutput> outputs, SortedDictionary<int, SavedOutput> saved, ExpectedVideo expected)
    {
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            if (saved.ContainsKey(output.Index))
            {
                continue;
            }

            var url = new Uri(output.ResultUrl!);
            url = _context.Options.MapResultUrl?.Invoke(url) ?? url;
            var request = new DownloadRequest(url, _context.Options.OutputDirectory, JobOutputs.PathOf(spec, output), expected);
            var outcome = await _context.Downloader.DownloadAsync(request, _context.HardStopToken).ConfigureAwait(false);
            if (!outcome.Success)
            {
                if (outcome.Failure == DownloadFailureKind.Expired)
                {
                    outputs[i] = output with { ResultUrl = null };
                }

                return outcome;
            }

            saved[output.Index] = new SavedOutput(JobOutputs.Saved(output, outcome), outcome.Video);
        }

        return null;
    }

    /// <summary>A verified output and what its check read from the file.</summary>
    private sealed record SavedOutput(LedgerOutput Output, Media.VideoFacts? Video);
}
