using System.Globalization;
using BatchGen.Core.Pipeline;
using Spectre.Console;

namespace BatchGen.Cli.Run;

/// <summary>
/// Shows a run's progress: a Spectre.Console live table per provider on a terminal (in flight, done, failed,
/// request rate, ETA, money spent), otherwise one plain line per provider on stderr every few seconds.
/// </summary>
internal sealed class ProgressRenderer
{
    private readonly RunProgress _progress;
    private readonly IAnsiConsole _console;
    private readonly TextWriter _plain;
    private readonly TimeProvider _time;
    private readonly bool _live;
    private readonly Dictionary<string, (long Requests, long Done, long At)> _last = new(StringComparer.Ordinal);

    public ProgressRenderer(RunProgress progress, IAnsiConsole console, TextWriter plain, TimeProvider timeProvider, bool live)
    {
        _progress = progress;
        _console = console;
        _plain = plain;
        _time = timeProvider;
        _live = live;
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

    private async Task WritePlainAsync()
    {
        foreach (var row in Rows())
        {
            await _plain.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"progress {row.Name}: queued {row.Queued}, in flight {row.InFlight}, done {row.Done}, failed {row.Failed}, blocked {row.Blocked}, {row.Rate:0.0} req/s, ETA {row.Eta}, spent ${row.Spent:0.00}{(row.Reason is null ? "" : $" ({row.Reason})")}")).ConfigureAwait(false);
        }
    }

    private static Table BuildTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]batchgen run[/]");
        foreach (var column in new[] { "provider", "queued", "in flight", "done", "failed", "blocked", "req/s", "ETA", "spent" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        return table;
    }

    private void Fill(Table table)
    {
        table.Rows.Clear();
        foreach (var row in Rows())
        {
            table.AddRow(
                Markup.Escape(row.Name),
                row.Queued.ToString(CultureInfo.InvariantCulture),
                row.InFlight.ToString(CultureInfo.InvariantCulture),
                $"[green]{row.Done}[/]",
                row.Failed > 0 ? $"[red]{row.Failed}[/]" : "0",
                row.Blocked > 0 ? $"[yellow]{row.Blocked}[/]" : "0",
                row.Rate.ToString("0.0", CultureInfo.InvariantCulture),
                row.Eta,
                row.Spent.ToString("$0.00", CultureInfo.InvariantCulture));
        }
    }

    private IEnumerable<(string Name, long Queued, long InFlight, long Done, long Failed, long Blocked, double Rate, string Eta, decimal Spent, string? Reason)> Rows()
    {
        var now = _time.GetTimestamp();
        foreach (var p in _progress.Providers.Where(p => p.Queued + p.InFlight + p.Succeeded + p.Failed + p.Blocked > 0))
        {
            var requests = p.Requests;
            var done = p.Succeeded + p.Failed;
            var rate = 0.0;
            var eta = "-";
            if (_last.TryGetValue(p.Name, out var last))
            {
                var seconds = _time.GetElapsedTime(last.At, now).TotalSeconds;
                if (seconds > 0)
                {
                    rate = (requests - last.Requests) / seconds;
                    var completions = (done - last.Done) / seconds;
                    var remaining = p.Queued + p.InFlight;
                    if (completions > 0 && remaining > 0)
                    {
                        eta = TimeSpan.FromSeconds(remaining / completions).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
                    }
                }
            }

            _last[p.Name] = (requests, done, now);
            yield return (p.Name, p.Queued, p.InFlight, p.Succeeded, p.Failed, p.Blocked, rate, eta, p.SpentUsd, p.BlockedReason is { } reason ? Messages.WithoutPrefix(reason, p.Name) : null);
        }
    }
}
