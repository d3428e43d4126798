using System.Diagnostics;
using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Nightly;

/// <summary>
/// A night in miniature, the real CLI as a child process: a {date} batch killed and resumed "the next morning"
/// (BATCHGEN_NOW), a failure storm tripping a halt rule, one notification per run on a loopback listener, JSON logs,
/// and the per-day cap across two batches.
/// </summary>
public sealed class NightlyRunTests(ITestOutputHelper output)
{
    private const string FakeKey = "fake-key-that-must-never-leak-7f3a";

    [Fact]
    public async Task DatedBatch_KilledAndResumedNextMorning_ContinuesInLastNightsDirectory()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.03", "--seed", "5", "--scenario", RunFixtures.WriteIdempotentScenario(dir));
        var manifest = NightlyFixtures.WriteManifest(dir, "nightly", 16, "out/{name}-{date}");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, idempotentSubmits: true);
        var lastNight = Path.Combine(dir.Path, "out", "nightly-2026-11-27");
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-11-27T23:55:00+01:00";

        await using (var night = CliProcess.Start(dir.Path, env, "run", manifest, "--providers", providers, "--progress", "none"))
        {
            try
            {
                var started = await NightlyFixtures.WaitUntilAsync(
                    () => Directory.Exists(Path.Combine(lastNight, "magnific")) && Directory.EnumerateFiles(Path.Combine(lastNight, "magnific"), "*.mp4").Any(),
                    night.Process,
                    TimeSpan.FromMinutes(2));
                started.ShouldBeTrue("the first video of last night's batch never appeared");
                night.Process.HasExited.ShouldBeFalse("the batch finished before it could be killed");
            }
            finally
            {
                night.Process.Kill(entireProcessTree: true);
                await night.Process.WaitForExitAsync();
            }
        }

        env["BATCHGEN_NOW"] = "2026-11-28T07:30:00+01:00";
        var morning = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--resume-latest"], TimeSpan.FromMinutes(3));
        output.WriteLine(morning.StdOut + morning.StdErr);

        morning.ExitCode.ShouldBe(0, morning.StdErr);
        morning.StdOut.ShouldContain($"videos:  {lastNight}");
        Directory.Exists(Path.Combine(dir.Path, "out", "nightly-2026-11-28")).ShouldBeFalse("the resume started a new batch for the new date");
        var jobs = await NightlyFixtures.ReadLedgerAsync(lastNight);
        jobs.Count.ShouldBe(16);
        jobs.ShouldAllBe(j => j.State == JobState.Succeeded);
        jobs.ShouldAllBe(j => j.Spec.OutputPath.StartsWith("magnific/2026-11-27-", StringComparison.Ordinal));
        var counts = await sim.IdempotencyCountsAsync();
        jobs.ShouldAllBe(j => counts.GetValueOrDefault(j.Id) == 1);
    }

    [Fact]
    public async Task FailureStorm_HaltOnFailureRate_Exits1NamingTheRuleNotifiesOnceAndResumes()
    {
        using var dir = new TempDirectory();
        using var listener = new NotificationListener();
        var manifest = NightlyFixtures.WriteManifest(dir, "storm", 40, "out/{name}", concurrency: 4);
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["MAGNIFIC_API_KEY"] = FakeKey };
        string[] args = ["run", manifest, "--simulate", "--scenario", StormScenario(), "--progress", "none", "--notify", listener.Url];

        var halted = await CliProcess.RunAsync(dir.Path, env, [.. args, "--halt-on-failure-rate", "20%", "--halt-min-finished", "10", "--log-format", "json", "--log-level", "debug"]);
        output.WriteLine(halted.StdOut + halted.StdErr);

        halted.ExitCode.ShouldBe(1, halted.StdErr);
        var lines = halted.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            using var log = JsonDocument.Parse(line);
            foreach (var field in new[] { "time", "level", "run_id", "job_id", "provider", "event", "message" })
            {
                log.RootElement.TryGetProperty(field, out _).ShouldBeTrue($"'{field}' missing in {line}");
            }
        }

        lines.ShouldContain(l => l.Contains("\"event\":\"halted\"", StringComparison.Ordinal) && l.Contains("--halt-on-failure-rate 20% fired", StringComparison.Ordinal));
        var outDir = Path.Combine(dir.Path, "out", "storm");
        var jobs = await NightlyFixtures.ReadLedgerAsync(outDir);
        var pending = jobs.Count(j => j.State == JobState.Pending);
        pending.ShouldBeGreaterThan(0, "the halt did not stop submission");

        listener.Bodies.Count.ShouldBe(1);
        var body = listener.Bodies.Single();
        body.ShouldNotContain(FakeKey);
        using (var notice = JsonDocument.Parse(body))
        {
            var root = notice.RootElement;
            root.GetProperty("exit_code").GetInt32().ShouldBe(1);
            root.GetProperty("outcome").GetString().ShouldBe("halted");
            root.GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            var counts = root.GetProperty("counts");
            counts.GetProperty("succeeded").GetInt32().ShouldBe(jobs.Count(j => j.State == JobState.Succeeded));
            counts.GetProperty("failed").GetInt32().ShouldBe(jobs.Count(j => j.State == JobState.Failed));
            counts.GetProperty("pending").GetInt32().ShouldBe(pending);
            root.GetProperty("failures_by_reason").EnumerateObject().Sum(p => p.Value.GetInt32()).ShouldBe(jobs.Count(j => j.State == JobState.Failed));
            root.GetProperty("halts")[0].GetProperty("rule").GetString().ShouldBe("--halt-on-failure-rate 20%");
            root.GetProperty("paths").GetProperty("output_dir").GetString().ShouldBe(outDir);
        }

        // Halted batches resume normally: without the rule, the pending jobs are submitted.
        var resumed = await CliProcess.RunAsync(dir.Path, env, args);
        output.WriteLine(resumed.StdOut + resumed.StdErr);
        resumed.ExitCode.ShouldBe(1, resumed.StdErr);
        (await NightlyFixtures.ReadLedgerAsync(outDir)).ShouldAllBe(j => j.State == JobState.Succeeded || j.State == JobState.Failed);
        listener.Bodies.Count.ShouldBe(2);
        listener.Bodies.ShouldAllBe(b => !b.Contains(FakeKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PerDayCap_TwoBatchesTheSameDay_SpendNoMoreThanTheCapTogether()
    {
        using var dir = new TempDirectory();
        // 10 jobs at $0.45 each ($4.50 a batch) under a $5.00 daily cap shared by every batch in out/.
        var manifest = NightlyFixtures.WriteManifest(dir, "capped", 10, "out/{name}-{datetime}", "budget:\n  max_cost_per_day: 5\n");
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BATCHGEN_NOW"] = "2026-11-28T02:00:00+01:00" };
        string[] args = ["run", manifest, "--simulate", "--progress", "none"];

        var first = await CliProcess.RunAsync(dir.Path, env, [.. args, "--quiet"]);
        env["BATCHGEN_NOW"] = "2026-11-28T03:00:00+01:00";
        var second = await CliProcess.RunAsync(dir.Path, env, args);
        env["BATCHGEN_NOW"] = "2026-11-29T02:00:00+01:00";
        var nextDay = await CliProcess.RunAsync(dir.Path, env, args);
        output.WriteLine(first.StdOut + first.StdErr + second.StdOut + second.StdErr + nextDay.StdOut + nextDay.StdErr);

        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdErr.ShouldBeEmpty("--quiet prints only the final summary");
        second.ExitCode.ShouldBe(3, second.StdErr);
        second.StdErr.ShouldContain("the daily cap of $5.00 (2026-11-28");
        (NightlyFixtures.Spent(first.StdOut) + NightlyFixtures.Spent(second.StdOut)).ShouldBeLessThanOrEqualTo(5.00m);
        // Simulated runs count among themselves, in their own spend file; the real one is not even made.
        File.Exists(Path.Combine(dir.Path, "out", ".batchgen-spend.simulated.db")).ShouldBeTrue();
        File.Exists(Path.Combine(dir.Path, "out", ".batchgen-spend.db")).ShouldBeFalse();
        nextDay.ExitCode.ShouldBe(0, nextDay.StdErr);
        NightlyFixtures.Spent(nextDay.StdOut).ShouldBe(4.50m);
    }

    [Fact]
    public async Task PerDayCap_SimulatedRehearsalThenTheRealBatch_TheRehearsalSpendsNoneOfTheRealCap()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "31");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        // 10 jobs at $0.45 ($4.50 a batch) under a $5.00 daily cap: a rehearsal and the real batch would not both fit.
        var manifest = NightlyFixtures.WriteManifest(dir, "capped", 10, "out/{name}-{datetime}", "budget:\n  max_cost_per_day: 5\n");
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-11-28T01:00:00+01:00";
        // The rehearsal stops at its own batch cap, unfinished: a real --resume-latest must not take it for tonight's batch.
        var rehearsal = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--simulate", "--progress", "none", "--max-cost", "2"]);
        env["BATCHGEN_NOW"] = "2026-11-28T02:00:00+01:00";
        var real = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--resume-latest"]);
        output.WriteLine(rehearsal.StdOut + rehearsal.StdErr + real.StdOut + real.StdErr);

        rehearsal.ExitCode.ShouldBe(3, rehearsal.StdErr);
        var rehearsed = NightlyFixtures.Spent(rehearsal.StdOut);
        rehearsed.ShouldBeGreaterThan(0.50m, "with the real batch's $4.50 the rehearsal's spend would pass the $5.00 cap");
        real.ExitCode.ShouldBe(0, real.StdErr);
        real.StdErr.ShouldNotContain("daily cap");
        NightlyFixtures.Spent(real.StdOut).ShouldBe(4.50m, "the real batch ran whole: simulated money is not counted against it");
        var outDir = Path.Combine(dir.Path, "out");
        Directory.Exists(Path.Combine(outDir, "capped-2026-11-28T0200")).ShouldBeTrue("the real run started tonight's batch instead of resuming the rehearsal");
        using (var realBook = BatchGen.Core.Costs.Periods.SpendBook.Open(outDir))
        using (var simulatedBook = BatchGen.Core.Costs.Periods.SpendBook.Open(outDir, simulated: true))
        {
            realBook.TotalUsd("2026-11-28").ShouldBe(4.50m);
            simulatedBook.TotalUsd("2026-11-28").ShouldBe(rehearsed);
        }

        // Each batch's status shows the caps of its own kind.
        env["BATCHGEN_NOW"] = "2026-11-28T10:00:00+01:00";
        var realStatus = await CliProcess.RunAsync(dir.Path, env, ["status", Path.Combine(outDir, "capped-2026-11-28T0200")]);
        var rehearsalStatus = await CliProcess.RunAsync(dir.Path, env, ["status", Path.Combine(outDir, "capped-2026-11-28T0100")]);
        output.WriteLine(realStatus.StdOut + realStatus.StdErr + rehearsalStatus.StdOut + rehearsalStatus.StdErr);
        realStatus.ExitCode.ShouldBe(0, realStatus.StdErr);
        realStatus.StdOut.ShouldContain($"period caps (all batches in {outDir}; days in Europe/Paris):\n  today 2026-11-28: $4.50 of the $5.00 daily cap");
        rehearsalStatus.ExitCode.ShouldBe(0, rehearsalStatus.StdErr);
        rehearsalStatus.StdOut.ShouldContain($"period caps (all simulated batches in {outDir}; days in Europe/Paris):\n  today 2026-11-28: {BatchGen.Core.Text.HumanText.Usd(rehearsed)} of the $5.00 daily cap");
    }

    [Fact]
    public async Task Schedule_InvalidCron_Exits2NamingIt()
    {
        using var dir = new TempDirectory();
        var manifest = NightlyFixtures.WriteManifest(dir, "sched", 2, "out/{name}");

        var result = await CliProcess.RunAsync(dir.Path, null, ["schedule", "0 2 * *", manifest]);

        result.ExitCode.ShouldBe(2);
        result.StdErr.ShouldContain("'0 2 * *' is not a five-field cron expression");
    }

    private static string StormScenario() => Path.Combine(RepoRoot(), "manifests", "scenarios", "moderation-storm.yaml");

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "BatchGen.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("BatchGen.sln not found above the test binaries");
    }
}
