using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BatchGen.Cli.Bench;

/// <summary>The bench's results as a Markdown table (printed and saved) and a JSON file, side by side.</summary>
internal static class BenchReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Machine;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# batchgen bench ({report.Suite}), {m.DateUtc}"));
        md.AppendLine();
        md.AppendLine(Invariant($"- Commit `{m.Commit}`{(m.WorkTreeDirty ? " (with uncommitted changes)" : string.Empty)}: {m.CommitSubject}"));
        md.AppendLine(Invariant($"- Machine: {m.Cores} cores ({m.CpuModel}), {m.RamBytes / (1024.0 * 1024 * 1024):0.0} GiB RAM, {m.Os}, {m.Runtime}"));
        md.AppendLine(Invariant($"- Load average (1/5/15 min): {m.LoadAverageAtStart} at start, {m.LoadAverageAtEnd} at the end (the machine may be shared; the simulator runs on the same cores)"));
        md.AppendLine(Invariant($"- Time scale {report.TimeScale}: simulated latencies x {report.TimeScale}; rates in real requests/s; the simulator's limits equal the client's"));
        md.AppendLine("- Bound: T_min = max((k*N - B)/r, ceil(N/C)*L, (N - B)/r + L) per provider, the slowest provider for a scenario; efficiency = bound / actual");
        md.AppendLine();
        md.AppendLine("| scenario | jobs | ok | bound | plan | actual | efficiency | plan / actual | requests/job | 429s | client CPU/job | simulator CPU/job | peak RSS | ledger/job | re-run (requests) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scenarios)
        {
            md.AppendLine(Invariant($"| {s.Name} | {s.Jobs} | {s.SucceededJobs} | {Seconds(s.BoundSeconds)} | {Seconds(s.PlanSeconds)} | {Seconds(s.WallSeconds)} | {s.Efficiency:0.00} | {Ratio(s.PlanRatio)} | {s.RequestsPerJob:0.00} | {s.Throttled} | {s.ClientCpuMsPerJob:0.00} ms | {(s.SimulatorCpuMsPerJob is { } sim ? sim.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "-")} | {s.ClientPeakRssBytes / (1024.0 * 1024):0} MB | {s.LedgerBytesPerJob / 1024:0.00} KB | {Seconds(s.RerunSeconds)} ({s.RerunApiRequests?.ToString(CultureInfo.InvariantCulture) ?? "-"}) |"));
        }

        md.AppendLine();
        md.AppendLine("Per provider (actual = its last job's completion, from the start of the run):");
        md.AppendLine();
        md.AppendLine("| scenario | provider | jobs | k | r/s | B | C | L | bound | plan | actual | efficiency | requests/job | 429s |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scenarios)
        {
            foreach (var p in s.Providers)
            {
                md.AppendLine(Invariant($"| {s.Name} | {p.Name} | {p.Jobs} | {p.RequestsPerJobAtLeast} | {p.RatePerSecond:0.#} | {p.Burst:0} | {p.Concurrency} | {p.LatencySeconds:0.##} s | {Seconds(p.BoundSeconds)} | {Seconds(p.PlanSeconds)} | {Seconds(p.ActualSeconds)} | {Ratio(p.Efficiency)} | {p.RequestsPerJob:0.00} | {p.Throttled} |"));
            }
        }

        var failed = report.Scenarios.Where(s => s.Error is not null).ToArray();
        if (failed.Length > 0)
        {
            md.AppendLine();
            foreach (var s in failed)
            {
                md.AppendLine(Invariant($"- **{s.Name} did not complete**: {s.Error!.ReplaceLineEndings(" ")}"));
            }
        }

        return md.ToString();
    }

    /// <summary>Writes <c>bench-SUITE-DATE.md</c> and <c>.json</c>; returns their paths.</summary>
    public static async Task<(string Markdown, string Json)> WriteAsync(BenchReport report, string directory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, Invariant($"bench-{report.Suite}-{now:yyyyMMdd-HHmmss}"));
        await File.WriteAllTextAsync(stem + ".md", ToMarkdown(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(stem + ".json", ToJson(report) + "\n", cancellationToken).ConfigureAwait(false);
        return (stem + ".md", stem + ".json");
    }

    private static string Seconds(double? seconds) => seconds switch
    {
        null => "-",
        < 10 => Invariant($"{seconds:0.0} s"),
        < 120 => Invariant($"{seconds:0} s"),
        _ => Invariant($"{(int)(seconds.Value / 60)}m{seconds.Value % 60:00}s"),
    };

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
