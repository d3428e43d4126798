using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.Cli.Rendering;
using Spectre.Console;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen status</c>: counts by state and provider, and failures with their reasons, from the ledger; with a period
/// cap in the manifest, where the caps stand today and this month (<see cref="PeriodCapStatus"/>).
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("status", "Show a batch's jobs by state and provider, why jobs failed, and where the manifest's per-day/per-month caps stand.");
        var target = new Argument<string>("manifest-or-ledger") { Description = "A manifest (its output directory's ledger) or a ledger.db file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var output = new Option<string?>("--out") { HelpName = "DIR", Description = "Output directory, when the manifest's default was overridden at run time." };
        command.Add(target);
        command.Add(json);
        command.Add(output);
        var ledgerOptions = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (resolved, error) = Ledger.LedgerTarget.Resolve(parseResult.GetRequiredValue(target), parseResult.GetValue(output), ledgerOptions.Read(parseResult));
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"batchgen: {error}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            try
            {
                await using var ledger = await Ledger.LedgerStores.OpenReadOnlyAsync(resolved!, cancellationToken).ConfigureAwait(false);
                var status = await BatchStatus.ReadAsync(ledger, cancellationToken).ConfigureAwait(false);
                var period = await PeriodCapStatus.ReadAsync(parseResult.GetRequiredValue(target), resolved!, ledger, cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    var body = status.ToJson();
                    body["period_caps"] = period?.ToJson();
                    await Console.Out.WriteLineAsync(JsonSerializer.Serialize(body, JsonOptions)).ConfigureAwait(false);
                }
                else
                {
                    var console = ConsoleFactory.CreateStdout();
                    status.Render(console);
                    period?.Render(console);
                }

                // A ledger that lost events with its WAL: shown, but never reported as fine.
                if (ledger.RollbackWarning is { } warning)
                {
                    await Console.Error.WriteLineAsync($"batchgen: {warning} (check the providers' dashboards; `run --accept-ledger-rollback` continues from what the ledger holds)").ConfigureAwait(false);
                    return ExitCodes.StorageError;
                }

                return ExitCodes.Success;
            }
            catch (LedgerException ex)
            {
                await Console.Error.WriteLineAsync($"batchgen: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.For(ex);
            }
        });
        return command;
    }
}

/// <summary>A batch's state read from its ledger.</summary>
internal sealed class BatchStatus
{
    private const int MaxFailureGroups = 20;

    private readonly SortedDictionary<string, SortedDictionary<JobState, int>> _byProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Provider, string Code, string Message), int> _failures = [];
    private readonly List<LedgerJob> _ambiguous = [];
    private readonly List<LedgerJob> _videoWarnings = [];
    private int _lost;
    private string? _store;
    private int _stored;
    private int _notStored;

    public static async Task<BatchStatus> ReadAsync(ILedger ledger, CancellationToken cancellationToken)
    {
        var status = new BatchStatus
        {
            _store = Core.Storage.OutputStoreMeta.FromJson(await ledger.GetMetaAsync(Core.Storage.OutputStoreMeta.Key, cancellationToken).ConfigureAwait(false))?.Store.Display,
        };
        await foreach (var job in ledger.ReadJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            status.Add(job);
        }

        return status;
    }

    private void Add(LedgerJob job)
    {
        if (!job.InManifest)
        {
            _lost++;
        }

        if (!_byProvider.TryGetValue(job.Provider, out var counts))
        {
            counts = [];
            _byProvider[job.Provider] = counts;
        }

        counts[job.State] = counts.GetValueOrDefault(job.State) + 1;
        if (job.State is JobState.Failed or JobState.Blocked)
        {
            var key = (job.Provider, job.ErrorCode ?? "unknown", job.ErrorMessage ?? "(no message)");
            _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }
        else if (job.State == JobState.Submitting)
        {
            _ambiguous.Add(job);
        }
        else if (job is { State: JobState.Succeeded, InManifest: true, Video.Warning: not null })
        {
            _videoWarnings.Add(job);
        }

        if (_store is not null && job.State == JobState.Succeeded)
        {
            var stored = job.Outputs.Count(o => o.ObjectKey is not null);
            _stored += stored;
            _notStored += job.Outputs.Count - stored;
        }
    }

    public Dictionary<string, object?> ToJson() => new()
    {
        ["jobs"] = _byProvider.Values.Sum(c => c.Values.Sum()),
        ["states"] = Totals().ToDictionary(kv => Name(kv.Key), kv => kv.Value),
        ["providers"] = _byProvider.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(s => Name(s.Key), s => s.Value)),
        ["failures"] = OrderedFailures().Select(f => new { provider = f.Key.Provider, code = f.Key.Code, message = f.Key.Message, jobs = f.Value }).ToList(),
        ["ambiguous"] = _ambiguous.Select(j => new { id = j.Id, provider = j.Provider, attempts = j.Attempts }).ToList(),
        ["lost"] = _lost,
        ["video_warnings"] = _videoWarnings.Select(j => new { id = j.Id, provider = j.Provider, file = j.FilePath, warning = j.Video!.Warning }).ToList(),
        ["output_store"] = _store is null ? null : new { store = _store, stored = _stored, not_stored = _notStored },
    };

    public void Render(IAnsiConsole console)
    {
        var states = Enum.GetValues<JobState>();
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("provider");
        foreach (var state in states)
        {
            table.AddColumn(new TableColumn(Name(state)).RightAligned());
        }

        foreach (var (provider, counts) in _byProvider)
        {
            table.AddRow([Markup.Escape(provider), .. states.Select(s => counts.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture))]);
        }

        var totals = Totals();
        table.AddRow(["[bold]total[/]", .. states.Select(s => $"[bold]{totals.GetValueOrDefault(s)}[/]")]);
        console.Write(table);
        foreach (var ((provider, code, message), count) in OrderedFailures().Take(MaxFailureGroups))
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[red]{count} x[/] {Markup.Escape(provider)} {Markup.Escape(code)}: {Markup.Escape(message)}"));
        }

        if (_ambiguous.Count > 0)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[yellow]{Format.Quantity(_ambiguous.Count, "job")} ambiguous[/] (submit outcome unknown; not resubmitted): {Markup.Escape(string.Join(", ", _ambiguous.Take(10).Select(j => $"{j.Provider}/{j.Id}")))}"));
        }

        foreach (var job in _videoWarnings.Take(MaxFailureGroups))
        {
            console.MarkupLine($"[yellow]warning[/] {Markup.Escape(job.Provider)} {Markup.Escape(job.Id)}: video {Markup.Escape(job.Video!.Warning!)} (kept: paid for) {Markup.Escape(job.FilePath ?? string.Empty)}");
        }

        if (_videoWarnings.Count > MaxFailureGroups)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[yellow]{_videoWarnings.Count} videos[/] in all differ from the request (results.csv: video_warning)"));
        }

        if (_store is not null)
        {
            var pending = _notStored == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; [yellow]{_notStored} not uploaded yet[/] (local copies kept: rerun to upload them)");
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"output store {Markup.Escape(_store)}: {_stored} of {_stored + _notStored} videos stored{pending}"));
        }

        if (_lost > 0)
        {
            console.MarkupLine($"{Format.Quantity(_lost, "job")} {(_lost == 1 ? "is" : "are")} no longer in the manifest (kept in the ledger)");
        }
    }

    private SortedDictionary<JobState, int> Totals()
    {
        var totals = new SortedDictionary<JobState, int>();
        foreach (var counts in _byProvider.Values)
        {
            foreach (var (state, n) in counts)
            {
                totals[state] = totals.GetValueOrDefault(state) + n;
            }
        }

        return totals;
    }

    private IEnumerable<KeyValuePair<(string Provider, string Code, string Message), int>> OrderedFailures() =>
        _failures.OrderByDescending(f => f.Value).ThenBy(f => f.Key.Provider, StringComparer.Ordinal).ThenBy(f => f.Key.Code, StringComparer.Ordinal);

    private static string Name(JobState state) => state.ToString().ToLowerInvariant();
}
