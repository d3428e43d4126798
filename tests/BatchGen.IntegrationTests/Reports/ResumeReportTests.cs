using System.Text.Json.Nodes;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>
/// Issue 5 §6: the reports of a batch that was stopped and resumed equal those of the same batch run in one go
/// (same manifest, a fresh simulator with the same seed), and list every job once.
/// </summary>
public sealed class ResumeReportTests(ITestOutputHelper output)
{
    private const int Jobs = 10;

    // Legitimately run-dependent: when things happened (times and latency), the provider's task id (a resumed
    // submit is a different request) and how many attempts the submit took (a stop can interrupt an attempt).
    private static readonly string[] RunDependentColumns = ["submitted_at", "started_at", "completed_at", "latency_seconds", "remote_id", "attempts"];

    [Fact]
    public async Task Report_AfterBudgetStopAndResume_EqualsUninterruptedRun()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        // The two batches are independent (own folders, own simulators): run side by side to keep the test short.
        var uninterruptedTask = RunBatchAsync(a, "a", interrupt: null);

        var resumed = await RunBatchAsync(b, "b", async (args, cwd, _) =>
        {
            // Estimates: 8 x $0.45 + 2 x $0.375 = $4.35; $2 stops the batch part-way.
            var capped = await CliProcess.RunAsync(cwd, RunFixtures.KeyEnvironment(), [.. args, "--max-cost", "2"]);
            capped.ExitCode.ShouldBe(3, capped.StdErr);
            return [.. args, "--max-cost", "100"];
        });
        var uninterrupted = await uninterruptedTask;

        resumed.ExitCode.ShouldBe(uninterrupted.ExitCode);
        // The run's own total: in-flight jobs re-attached on resume and then failed free are not counted as spent.
        resumed.Spent.ShouldBe(uninterrupted.Spent);
        resumed.Spent.ShouldNotBeEmpty();
        AssertSameReports(uninterrupted.OutputDirectory, resumed.OutputDirectory);
    }

    [Fact]
    public async Task Report_AfterSigintAndResume_EqualsUninterruptedRun()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        // The two batches are independent (own folders, own simulators): run side by side to keep the test short.
        var uninterruptedTask = RunBatchAsync(a, "a", interrupt: null);

        var resumed = await RunBatchAsync(b, "b", async (args, cwd, sim) =>
        {
            await using var run = CliProcess.Start(cwd, RunFixtures.KeyEnvironment(), args);
            // Interrupt once tasks are in flight (a generation takes about a second at this time scale), not on a timer.
            await sim.WaitForSubmitsAsync(5, RunFixtures.StateTimeout);
            await run.SignalAsync("INT");

            var exitCode = await run.WaitForExitAsync(RunFixtures.StopTimeout);
            output.WriteLine($"interrupted run exited {exitCode}: {run.StdErr}");
            exitCode.ShouldBe(130, run.StdErr);
            return args;
        });
        var uninterrupted = await uninterruptedTask;

        resumed.ExitCode.ShouldBe(uninterrupted.ExitCode);
        // The run's own total: in-flight jobs re-attached on resume and then failed free are not counted as spent.
        resumed.Spent.ShouldBe(uninterrupted.Spent);
        resumed.Spent.ShouldNotBeEmpty();
        AssertSameReports(uninterrupted.OutputDirectory, resumed.OutputDirectory);
    }

    /// <summary>
    /// Runs the batch in its own folder against its own simulator (same seed and faults): in one go, or first through
    /// <paramref name="interrupt"/>, which returns the arguments of the resuming run. Then `batchgen report`.
    /// </summary>
    private async Task<(int ExitCode, string OutputDirectory, string Spent)> RunBatchAsync(
        TempDirectory dir,
        string name,
        Func<string[], string, SimulatorProcess, Task<string[]>>? interrupt)
    {
        var cwd = dir.Path;
        var scenario = dir.Write("scenario.yaml", "providers:\n  magnific: { faults: { task_failed: 0.5 } }\n  gmicloud: { faults: { task_failed: 0.5 } }\n  pixwith: { faults: { task_failed: 0.5 } }\n");
        await using var sim = await SimulatorProcess.StartAsync(cwd, "--time-scale", "0.02", "--seed", "5", "--scenario", scenario);
        var manifest = RunFixtures.WriteManifest(dir, "resume", Jobs);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        var outputDirectory = Path.Combine(cwd, "out");
        string[] args = ["run", manifest, "--providers", providers, "--progress", "none", "--out", outputDirectory];
        if (interrupt is not null)
        {
            args = await interrupt(args, cwd, sim);
        }

        var run = await CliProcess.RunAsync(cwd, RunFixtures.KeyEnvironment(), args);
        output.WriteLine($"{name}: exit {run.ExitCode}: {run.StdOut} {run.StdErr}");
        run.ExitCode.ShouldBeOneOf(0, 1);
        var report = await CliProcess.RunAsync(cwd, ["report", outputDirectory]);
        report.ExitCode.ShouldBe(0, report.StdErr);
        (await sim.IdempotencyCountsAsync()).Values.ShouldAllBe(n => n == 1, $"{name}: a job was submitted twice");
        var spent = System.Text.RegularExpressions.Regex.Match(run.StdOut, @"spent \$[0-9.]+").Value;
        return (run.ExitCode, outputDirectory, spent);
    }

    private static void AssertSameReports(string expectedDirectory, string actualDirectory)
    {
        var expected = ReadCsv(Path.Combine(expectedDirectory, "results.csv"));
        var actual = ReadCsv(Path.Combine(actualDirectory, "results.csv"));
        foreach (var rows in new[] { expected, actual })
        {
            rows.Count.ShouldBe(Jobs);
            rows.Select(r => r["id"]).Distinct(StringComparer.Ordinal).Count().ShouldBe(Jobs, "a job id is listed twice");
        }

        expected.Select(r => r["state"]).ShouldContain("failed", "the scenario should fail some jobs");
        expected.Select(r => r["state"]).ShouldContain("succeeded");
        for (var i = 0; i < Jobs; i++)
        {
            Comparable(actual[i]).ShouldBe(Comparable(expected[i]), $"results.csv row of {expected[i]["id"]}");
        }

        File.ReadAllText(Path.Combine(actualDirectory, "cost-report.csv"))
            .ShouldBe(File.ReadAllText(Path.Combine(expectedDirectory, "cost-report.csv")));
        SummaryWithoutTimes(actualDirectory).ShouldBe(SummaryWithoutTimes(expectedDirectory));
        var ab = ReadCsv(Path.Combine(actualDirectory, "ab-comparison.csv")).Select(Comparable).ToList();
        ab.ShouldBe(ReadCsv(Path.Combine(expectedDirectory, "ab-comparison.csv")).Select(Comparable).ToList());
    }

    /// <summary>A row without its run-dependent columns (times, latencies, remote id, attempts), as one string.</summary>
    private static string Comparable(Dictionary<string, string> row) =>
        string.Join(" | ", row
            .Where(kv => !RunDependentColumns.Contains(kv.Key) && !kv.Key.Contains("latency", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>summary.json without generated_at (the ledger's last update) and the latency percentiles.</summary>
    private static string SummaryWithoutTimes(string directory)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "summary.json")))!.AsObject();
        root["totals"]!["jobs"]!.GetValue<int>().ShouldBe(Jobs);
        root.Remove("generated_at");
        foreach (var row in root["comparison"]!.AsArray())
        {
            row!.AsObject().Remove("latency_p50_seconds");
            row.AsObject().Remove("latency_p95_seconds");
        }

        return root.ToJsonString();
    }

    internal static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var options = new CsvHelper.CsvReaderOptions { Separator = ',', HasHeader = false, Mode = CsvHelper.CsvMode.Rfc4180 };
        using var reader = CsvHelper.CsvReader.FromFile(path, options);
        reader.Read().ShouldBeTrue($"{path} is empty");
        var header = Fields(reader);
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var fields = Fields(reader);
            rows.Add(header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => fields[x.i], StringComparer.Ordinal));
        }

        return rows;
    }

    private static string[] Fields(CsvHelper.CsvReader reader) =>
        Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? string.Empty).ToArray();
}
