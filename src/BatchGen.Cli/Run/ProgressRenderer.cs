using System.Globalization;
using BatchGen.Cli.Rendering;
using BatchGen.Core.Pipeline;
using Spectre.Console;

namespace BatchGen.Cli.Run;

/// <summary>
/// Shows a run's progress: a Spectre.Console live table on a terminal (a row per provider: queued = not submitted
/// yet, in flight, done, failed, blocked, held by the budget, request rate, ETA, spent; then a totals row and a
/// caption with spent, budget left, elapsed and ETA), otherwise plain lines on stderr every few seconds.
/// </summary>
internal sealed class ProgressRenderer
{
    private static readonly string[] Columns = ["provider", "queued", "in flight", "done", "failed", "blocked", "held", "req/s", "ETA", "spent"];

    private readonly RunProgress _progress;
    private readonly IAnsiConsole _console;
    private readonly TextWriter _plain;
    private readonly TimeProvider _time;
    private readonly ProgressView _view;
    private readonly bool _live;
    private readonly Dictionary<string, (long Requests, long At)> _lastRequests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _firstDone = new(StringComparer.Ordinal);
    private readonly long _started;

    public ProgressRenderer(RunProgress progress, IAnsiConsole console, TextWriter plain, TimeProvider timeProvider, ProgressView view, bool live)
    {
        _progress = progress;
        _console = console;
        _plain = plain;
        _time = timeProvider;
        _view = view;
        _live = live;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Renders until <paramref name="stop"/> is cancelled, then once more.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        if (_live)
        {
            var table = BuildTable();
            await _console.Live(table).AutoClear(false).StartAsync(async ctx =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Fill(table);
                    ctx.Refresh();
                    await Delay(TimeSpan.FromMilliseconds(500), stop).ConfigureAwait(false);
                }

                Fill(table);
                ctx.Refresh();
            }).ConfigureAwait(false);
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromSeconds(5), stop).ConfigureAwait(false);
            await WritePlainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The table as it stands now (what one refresh of the live view shows).</summary>
    public Table Snapshot()
    {
        var table = BuildTable();
        Fill(table);
        return table;
    }

    private async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run ended: render the final state.
        }
    }

    internal async Task WritePlainAsync()
    {
        var (rows, totals) = Rows();
        foreach (var row in rows)
        {
            await _plain.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"progress {row.Name}: queued {row.Queued}, in flight {row.InFlight}, done {row.Done}, failed {row.Failed}, blocked {row.Blocked}, held {row.Held}, {row.Rate:0.0} req/s, ETA {row.Eta}, spent {Format.Usd(row.Spent)}{(row.Reason is null ? "" : $" ({row.Reason})")}")).ConfigureAwait(false);
        }

        await _plain.WriteLineAsync($"progress total: {Caption(totals)}").ConfigureAwait(false);
    }

    private static Table BuildTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]batchgen run[/]");
        foreach (var column in Columns)
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        return table;
    }

    private void Fill(Table table)
    {
        table.Rows.Clear();
        var (rows, totals) = Rows();
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Name),
                Format.Count(row.Queued),
                Format.Count(row.InFlight),
                $"[green]{Format.Count(row.Done)}[/]",
                row.Failed > 0 ? $"[red]{Format.Count(row.Failed)}[/]" : "0",
                row.Blocked > 0 ? $"[yellow]{Format.Count(row.Blocked)}[/]" : "0",
                row.Held > 0 ? $"[yellow]{Format.Count(row.Held)}[/]" : "0",
                row.Rate.ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(row.Eta),
                Format.Usd(row.Spent));
        }

        table.AddRow(
            "[bold]total[/]",
            $"[bold]{Format.Count(totals.Queued)}[/]",
            $"[bold]{Format.Count(totals.InFlight)}[/]",
            $"[bold]{Format.Count(totals.Done)}/{Format.Count(_view.TotalJobs)}[/]",
            $"[bold]{Format.Count(totals.Failed)}[/]",
            $"[bold]{Format.Count(totals.Blocked)}[/]",
            $"[bold]{Format.Count(totals.Held)}[/]",
            $"[bold]{totals.Rate.ToString("0.0", CultureInfo.InvariantCulture)}[/]",
            $"[bold]{Markup.Escape(totals.Eta)}[/]",
            $"[bold]{Format.Usd(totals.Spent)}[/]");
        table.Caption(Markup.Escape(Caption(totals)));
    }

    /// <summary>"done 12/40, failed 1, spent $1.20 (simulated), budget left $8.80 of $10.00, elapsed 2 minutes, ETA 3 minutes".</summary>
    private string Caption(Row totals)
    {
        var budget = _progress.BudgetLeftUsd is { } left && _progress.Budget?.MaxCostUsd is { } max
            ? $"budget left {Format.Usd(left)} of {Format.Usd(max)}"
            : "no budget cap";
        var elapsed = Format.Duration(_time.GetElapsedTime(_started));
        return string.Create(CultureInfo.InvariantCulture,
            $"done {Format.Count(totals.Done)}/{Format.Count(_view.TotalJobs)}, failed {Format.Count(totals.Failed)}, spent {Format.Usd(_progress.BatchSpentUsd, _view.Simulated)}, {budget}, elapsed {elapsed}, ETA {totals.Eta}");
    }

    private (List<Row> Rows, Row Totals) Rows()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_started, now);
        var rows = new List<Row>();
        var etas = new List<(string Text, TimeSpan? Value)>();
        foreach (var p in _progress.Providers.Where(p => p.Queued + p.InFlight + p.Succeeded + p.Failed + p.Blocked + p.Held > 0))
        {
            var requests = p.Requests;
            var done = p.Succeeded + p.Failed;
            var rate = 0.0;
            if (_lastRequests.TryGetValue(p.Name, out var last) && _time.GetElapsedTime(last.At, now).TotalSeconds is > 0 and var seconds)
            {
                rate = (requests - last.Requests) / seconds;
            }

            _lastRequests[p.Name] = (requests, now);
            // Jobs found finished on disk at start count as done but not as this run's pace.
            var first = _firstDone.TryGetValue(p.Name, out var d) ? d : _firstDone[p.Name] = done;
            var eta = EtaEstimate.For(p.Queued + p.InFlight, done - first, elapsed);
            etas.Add(eta);
            rows.Add(new Row(p.Name, p.Queued, p.InFlight, p.Succeeded, p.Failed, p.Blocked, p.Held, rate, eta.Text, p.SpentUsd, p.BlockedReason is { } reason ? Messages.WithoutPrefix(reason, p.Name) : null));
        }

        var totals = new Row(
            "total", rows.Sum(r => r.Queued), rows.Sum(r => r.InFlight), rows.Sum(r => r.Done), rows.Sum(r => r.Failed), rows.Sum(r => r.Blocked),
            rows.Sum(r => r.Held), rows.Sum(r => r.Rate), EtaEstimate.Combine(etas), rows.Sum(r => r.Spent), null);
        return (rows, totals);
    }

    private sealed record Row(string Name, long Queued, long InFlight, long Done, long Failed, long Blocked, long Held, double Rate, string Eta, decimal Spent, string? Reason);
}

/// <summary>What the progress view knows about the run besides the live counters.</summary>
/// <param name="TotalJobs">Jobs in the manifest (the "total" of done/total).</param>
/// <param name="Simulated">Against the simulator: money is labelled simulated.</param>
internal sealed record ProgressView(long TotalJobs, bool Simulated);
