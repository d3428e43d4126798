using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// Three `batchgen run --ledger postgres://...` processes work one 300-job batch over the five providers against one
/// simulator whose limits equal the configured ones. One worker is SIGKILLed twice mid-run and restarted each time.
/// The budget cap is below the batch's total: the fleet stops at it (spent never passes it); a last worker with a
/// higher cap finishes. At the end every job succeeded, every Idempotency-Key was submitted once, and the simulator
/// answered no 429 (rate or tasks in flight): the limits held across the workers together.
/// </summary>
public sealed class FleetRunTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const int Jobs = 300;
    private const int PerSecond = 25;
    private const int Concurrency = 4;

    [Fact]
    public async Task ThreeWorkers_OneKilledTwice_EveryJobOnceWithinLimitsAndBudget()
    {
        using var dir = new TempDirectory();
        var scenario = FleetFixtures.WriteLimitedScenario(dir, PerSecond, Concurrency);
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "21", "--scenario", scenario);
        var manifest = RunFixtures.WriteManifest(dir, "fleet300", Jobs);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: Concurrency, rateLimit: $"{PerSecond}/s", idempotentSubmits: true);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_LEASE_SECONDS"] = "3";
        var outDir = Path.Combine(dir.Path, "out");
        // Below the batch's total estimate: the fleet must stop at it, whatever the number of workers.
        var total = await EstimateAsync(dir, manifest, providers);
        var cap = Math.Round(total * 0.7m, 2);
        string[] Args(decimal maxCost) => ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--out", outDir, "--max-cost", maxCost.ToString(CultureInfo.InvariantCulture)];
        output.WriteLine($"estimated total {total}, cap {cap}");

        var workers = new List<CliChild>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(CliProcess.Start(dir.Path, env, Args(cap)));
            }

            foreach (var remoteIds in new[] { 40, 110 })
            {
                await FleetFixtures.WaitForAsync(database.Url, "fleet300", jobs => jobs.Count(j => j.RemoteId is not null) >= remoteIds, RunFixtures.StateTimeout);
                workers[0].Process.HasExited.ShouldBeFalse("the worker was still running when killed");
                await ChildProcesses.KillTreeAsync(workers[0].Process);
                output.WriteLine($"SIGKILL worker 0 at {remoteIds} remote ids");
                await workers[0].DisposeAsync();
                workers[0] = CliProcess.Start(dir.Path, env, Args(cap));
            }

            foreach (var worker in workers)
            {
                var code = await worker.WaitForExitAsync(TimeSpan.FromMinutes(3));
                output.WriteLine($"worker exit {code}: {worker.StdErr}");
                code.ShouldBeOneOf(0, 3);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        var capped = await FleetFixtures.ReadJobsAsync(database.Url, "fleet300");
        var money = BatchMoney.FromJobs(capped, new HashSet<string>(StringComparer.Ordinal));
        output.WriteLine($"after the capped run: spent {money.SpentUsd}, reserved {money.ReservedUsd}; {string.Join(", ", capped.GroupBy(j => j.State).Select(g => $"{g.Count()} {g.Key}"))}");
        (money.SpentUsd + money.ReservedUsd).ShouldBeLessThanOrEqualTo(cap, "the fleet passed the budget cap");
        capped.Count(j => j.State == JobState.Pending).ShouldBeGreaterThan(0, "the cap is below the total: jobs were held");
        var held = capped.Where(j => j.State == JobState.Pending).Select(j => j.Id).ToHashSet();
        var countsBefore = await sim.IdempotencyCountsAsync();
        held.ShouldAllBe(id => countsBefore.GetValueOrDefault(id) == 0, "a job held by the budget was submitted");

        // One more worker with room in the budget finishes the batch.
        var last = await CliProcess.RunAsync(dir.Path, env, Args(total * 2), TimeSpan.FromMinutes(3));
        output.WriteLine($"last worker exit {last.ExitCode}: {last.StdErr}");
        last.ExitCode.ShouldBe(0, last.StdErr);

        var jobs = await FleetFixtures.ReadJobsAsync(database.Url, "fleet300");
        jobs.Count.ShouldBe(Jobs);
        var counts = await sim.IdempotencyCountsAsync();
        foreach (var job in jobs)
        {
            job.State.ShouldBe(JobState.Succeeded, $"job {job.Id} ({job.Provider}): {job.ErrorCode} {job.ErrorMessage}");
            counts.GetValueOrDefault(job.Id).ShouldBe(1, $"job {job.Id} ({job.Provider}) was submitted {counts.GetValueOrDefault(job.Id)} times");
            File.Exists(Path.Combine(outDir, job.FilePath!)).ShouldBeTrue();
        }

        using var stats = await sim.StatsAsync();
        foreach (var provider in stats.RootElement.GetProperty("providers").EnumerateObject())
        {
            provider.Value.GetProperty("rate_limited").GetInt32().ShouldBe(0, $"{provider.Name}: the simulator answered 429 (rate)");
            provider.Value.GetProperty("concurrency_limited").GetInt32().ShouldBe(0, $"{provider.Name}: the simulator answered 429 (tasks in flight)");
        }

        // The claims moved between workers: more than one worker claimed, and the killed worker's jobs were taken over.
        var workersSeen = int.Parse(database.Cluster.Psql(database.Name, "SELECT count(*) FROM batchgen.fleet_workers WHERE claims > 0;").Trim(), CultureInfo.InvariantCulture);
        workersSeen.ShouldBeGreaterThanOrEqualTo(4);
        var reclaimed = int.Parse(database.Cluster.Psql(database.Name, "SELECT count(*) FROM batchgen.fleet_leases WHERE claims > 1;").Trim(), CultureInfo.InvariantCulture);
        reclaimed.ShouldBeGreaterThan(0, "no job changed hands (the killed worker's jobs should have been taken over)");
    }

    /// <summary>The batch's total estimate, from `batchgen plan --json`.</summary>
    private static async Task<decimal> EstimateAsync(TempDirectory dir, string manifest, string providers)
    {
        var plan = await CliProcess.RunAsync(dir.Path, null, ["plan", manifest, "--providers", providers, "--json"]);
        plan.ExitCode.ShouldBe(0, plan.StdErr);
        using var json = System.Text.Json.JsonDocument.Parse(plan.StdOut);
        return json.RootElement.GetProperty("estimated_cost_usd").GetDecimal();
    }
}
