using System.Globalization;
using BatchGen.Cli.Ledger;
using BatchGen.Cli.Rendering;
using BatchGen.Cli.Run;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Fleet.Postgres;
using Spectre.Console;

namespace BatchGen.Cli.Commands;

/// <summary>
/// Where the period caps (<c>budget.max_cost_per_day</c> / <c>max_cost_per_month</c>) of a batch's manifest stand today
/// and this month, in the batch's time zone: spent and held by every batch the caps count, read (never written) from
/// where the caps check counts them: the spend file beside the batches, or, for a batch on a PostgreSQL ledger, the
/// fleet's tables of that database. Null (nothing shown) when the manifest sets no period cap.
/// </summary>
internal sealed class PeriodCapStatus
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private PeriodCapStatus(PeriodCaps caps, TimeZoneInfo zone, DateOnly day)
    {
        Caps = caps;
        Zone = zone;
        Day = day;
    }

    public PeriodCaps Caps { get; }

    public TimeZoneInfo Zone { get; }

    public DateOnly Day { get; }

    /// <summary><c>spend_file</c> or <c>postgres</c>.</summary>
    public string Source { get; private set; } = "spend_file";

    /// <summary>What the totals cover, e.g. "all batches in /srv/out".</summary>
    public string Covers { get; private set; } = string.Empty;

    public string? SpendFile { get; private set; }

    /// <summary>The figures; null when nothing is recorded yet or they could not be read.</summary>
    public PeriodStanding? Standing { get; private set; }

    /// <summary><c>manifest</c>, or <c>last_run</c> when the manifest no longer loads and the caps are those its last run recorded.</summary>
    public string CapsFrom { get; private init; } = "manifest";

    /// <summary>Why the figures could not be read (one line), or null.</summary>
    public string? Problem { get; private set; }

    public static async Task<PeriodCapStatus?> ReadAsync(string argument, LedgerTarget target, ILedger ledger, CancellationToken cancellationToken)
    {
        // The manifest's caps when it loads (edited since or not); else those the last run recorded in the ledger.
        var recorded = await PeriodCapsMeta.ReadAsync(ledger, cancellationToken).ConfigureAwait(false);
        var (found, manifest) = await LoadManifestAsync(argument, target, ledger, cancellationToken).ConfigureAwait(false);
        var caps = found ? manifest?.PeriodCaps : recorded?.Caps;
        if (caps is null || caps.IsEmpty)
        {
            return null;
        }

        // The days the caps count are those of the zone the batch was started in (recorded in its ledger).
        var zone = BatchTime.FindZone(await ledger.GetMetaAsync("time_zone", cancellationToken).ConfigureAwait(false)) ?? manifest?.Time.Zone ?? TimeZoneInfo.Local;
        var clockOk = BatchClock.TryRead(TimeProvider.System, out var clock, out var clockError);
        var status = new PeriodCapStatus(caps, zone, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.Now(), zone).DateTime)) { CapsFrom = found ? "manifest" : "last_run" };
        if (!clockOk)
        {
            status.Problem = clockError;
            return status;
        }

        // A simulated batch counts in the simulated runs' own spend file, even on PostgreSQL (never in the fleet's caps).
        var simulated = await ledger.GetMetaAsync(RunOutput.SimulatedMetaKey, cancellationToken).ConfigureAwait(false) == "true";
        if (target.Postgres is { } address && !simulated)
        {
            await status.ReadFleetAsync(address, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var batchDirectory = target.OutputDirectory
                ?? (target.SqlitePath is { } sqlite ? Path.GetDirectoryName(sqlite) : null)
                ?? await ledger.GetMetaAsync("output_dir", cancellationToken).ConfigureAwait(false);
            if (batchDirectory is null)
            {
                status.Problem = "the batch's output directory is not recorded, so its spend file is not known";
                return status;
            }

            var outputDirectory = Path.GetFullPath(batchDirectory);
            status.ReadSpendFile([recorded?.SpendDirectory, manifest?.BatchesDirectoryFor(outputDirectory), Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(outputDirectory))], simulated);
        }

        return status;
    }

    public Dictionary<string, object?> ToJson()
    {
        object Period(string key, string value, decimal? cap, PeriodAmounts? amounts) => new Dictionary<string, object?>
        {
            [key] = value,
            ["cap_usd"] = cap,
            ["spent_usd"] = amounts?.SpentUsd,
            ["held_usd"] = amounts?.HeldUsd,
            ["total_usd"] = amounts?.TotalUsd,
        };

        return new Dictionary<string, object?>
        {
            ["source"] = Source,
            ["covers"] = Covers,
            ["spend_file"] = SpendFile,
            ["time_zone"] = Zone.Id,
            ["caps_from"] = CapsFrom,
            ["recorded"] = Standing is not null,
            ["problem"] = Problem,
            ["today"] = Period("date", DayText, Caps.PerDayUsd, Standing?.Today),
            ["this_month"] = Period("month", MonthText, Caps.PerMonthUsd, Standing?.ThisMonth),
        };
    }

    public void Render(IAnsiConsole console)
    {
        if (Problem is not null)
        {
            console.MarkupLine($"[yellow]period caps[/] ({Markup.Escape(CapsText)}): {Markup.Escape(Problem)}");
            return;
        }

        if (Standing is null)
        {
            var where = SpendFile is null ? Covers : $"no spend file at {SpendFile}";
            console.MarkupLine($"period caps ({Markup.Escape(CapsText)}): no period spend recorded yet ({Markup.Escape(where)})");
            return;
        }

        console.MarkupLine($"period caps ({Markup.Escape(Covers)}; days in {Markup.Escape(Zone.Id)}{(CapsFrom == "last_run" ? "; caps as the last run counted them: the manifest does not load" : string.Empty)}):");
        console.MarkupLine(Line($"today {DayText}", Standing.Today, Caps.PerDayUsd, "daily"));
        console.MarkupLine(Line($"this month {MonthText}", Standing.ThisMonth, Caps.PerMonthUsd, "monthly"));
    }

    private string DayText => Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string MonthText => Day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private string CapsText =>
        string.Join(", ", new[]
        {
            Caps.PerDayUsd is { } d ? $"daily {Format.Usd(d)}" : null,
            Caps.PerMonthUsd is { } m ? $"monthly {Format.Usd(m)}" : null,
            CapsFrom == "last_run" ? "as the last run counted them: the manifest does not load" : null,
        }.OfType<string>());

    /// <summary>"  today 2026-11-28: $4.20 of the $6.00 daily cap spent or held ($4.00 spent, $0.20 held)"; yellow once the cap is reached.</summary>
    private static string Line(string period, PeriodAmounts amounts, decimal? cap, string capName)
    {
        var figures = cap is { } c
            ? $"{Format.Usd(amounts.TotalUsd)} of the {Format.Usd(c)} {capName} cap spent or held"
            : $"{Format.Usd(amounts.TotalUsd)} spent or held (no {capName} cap)";
        var style = cap is { } limit && amounts.TotalUsd >= limit ? "yellow" : "bold";
        return $"  {Markup.Escape(period)}: [{style}]{Markup.Escape(figures)}[/] ({Markup.Escape(Format.Usd(amounts.SpentUsd))} spent, {Markup.Escape(Format.Usd(amounts.HeldUsd))} held)";
    }

    /// <summary>
    /// The spend file the runs of this batch used: where the last run recorded it, else beside the batches as the
    /// manifest places them, else beside the batch; the first of those that exists (the first one when none does).
    /// </summary>
    private void ReadSpendFile(IEnumerable<string?> directories, bool simulated)
    {
        var fileName = SpendBook.FileNameFor(simulated);
        var candidates = directories.OfType<string>().Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        var directory = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, fileName))) ?? candidates[0];
        SpendFile = Path.Combine(directory, fileName);
        Covers = simulated ? $"all simulated batches in {directory}" : $"all batches in {directory}";
        try
        {
            Standing = SpendFileReader.Read(directory, Day, simulated);
        }
        catch (LedgerException ex)
        {
            Problem = $"{SpendFile}: could not be read ({(ex.InnerException ?? ex).Message.ReplaceLineEndings(" ").TrimEnd('.', ' ')})";
        }
    }

    private async Task ReadFleetAsync(BatchGen.Ledger.Postgres.PostgresAddress address, CancellationToken cancellationToken)
    {
        Source = "postgres";
        var database = address.Builder.Database;
        Covers = $"all batches in the database '{database}' of PostgreSQL at {address.HostPort}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        try
        {
            Standing = await FleetPeriodReader.ReadAsync(address.Builder.ConnectionString, Day, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex switch
            {
                Npgsql.PostgresException pg => pg.MessageText,
                OperationCanceledException => $"no answer within {ReadTimeout.TotalSeconds:0} s",
                _ => ex.Message.ReplaceLineEndings(" "),
            };
            Problem = $"the period totals in {address.Display} could not be read ({reason})";
        }
    }

    /// <summary>
    /// The batch's manifest: the one given (as the argument), else the one its ledger records. Found is false when none
    /// loads; a manifest that never mentions <c>max_cost_per_</c> is found without being loaded (it sets no period cap).
    /// </summary>
    private static async Task<(bool Found, Manifest? Manifest)> LoadManifestAsync(string argument, LedgerTarget target, ILedger ledger, CancellationToken cancellationToken)
    {
        var given = target.ManifestPath
            ?? (File.Exists(argument) && !string.Equals(Path.GetFullPath(argument), target.SqlitePath, StringComparison.Ordinal) ? argument : null);
        foreach (var path in new[] { given, await ledger.GetMetaAsync("manifest", cancellationToken).ConfigureAwait(false) })
        {
            if (path is null || !File.Exists(path))
            {
                continue;
            }

            if (!MayHavePeriodCaps(path))
            {
                return (true, null);
            }

            if (ManifestLoader.Load(path, new ManifestLoadOptions { MaxJobs = long.MaxValue }).Manifest is { } manifest)
            {
                return (true, manifest);
            }
        }

        return (false, null);
    }

    /// <summary>
    /// A manifest without the words <c>max_cost_per_</c> sets no period cap: status then skips loading it (a large grid
    /// or CSV is expanded by the loader).
    /// </summary>
    private static bool MayHavePeriodCaps(string path)
    {
        try
        {
            return File.ReadLines(path).Any(line => line.Contains("max_cost_per_", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
