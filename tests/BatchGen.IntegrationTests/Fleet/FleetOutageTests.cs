using System.Diagnostics;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// PostgreSQL goes away mid-run (every connection cut, new ones dropped) and comes back: the worker submits nothing more,
/// records what was in flight once the server is back, and exits 5 with one line naming the server (no password); a
/// rerun finishes the batch with no job submitted twice and nothing paid lost.
/// </summary>
public sealed class FleetOutageTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Run_PostgresCutMidRun_StopsSubmittingRecordsInFlightExit5_RerunFinishes()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05", "--seed", "8");
        const int Jobs = 40;
        var manifest = RunFixtures.WriteManifest(dir, "pgcut", Jobs);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_PG_OUTAGE_SECONDS"] = "60";
        await using var gate = new TcpGate(database.Cluster.Port);
        var viaGate = database.Url.Replace($":{database.Cluster.Port}/", $":{gate.Port}/", StringComparison.Ordinal);
        string[] Args(string url) => ["run", manifest, "--ledger", url, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];

        CliResult cut;
        await using (var worker = CliProcess.Start(dir.Path, env, Args(viaGate)))
        {
            await FleetFixtures.WaitForAsync(database.Url, "pgcut", jobs => jobs.Count(j => j.RemoteId is not null) >= 5 && jobs.Any(j => j.State == JobState.Pending), RunFixtures.StateTimeout);
            gate.Close();
            var submitsAtCut = await sim.TotalSubmitsAsync();
            // The outage lasts until the worker has tried (and failed) to reach the server a few times.
            var waited = Stopwatch.StartNew();
            while (gate.Refused < 3 && waited.Elapsed < RunFixtures.StateTimeout && !worker.Process.HasExited)
            {
                await Task.Delay(100);
            }

            gate.Refused.ShouldBeGreaterThanOrEqualTo(3, "the worker never tried to reach PostgreSQL during the outage");
            (await sim.TotalSubmitsAsync()).ShouldBeLessThanOrEqualTo(submitsAtCut + 2, "the worker kept submitting while PostgreSQL was away");
            gate.Open();
            var code = await worker.WaitForExitAsync(TimeSpan.FromMinutes(3));
            cut = new CliResult(code, worker.StdOut, worker.StdErr);
        }

        output.WriteLine($"worker exit {cut.ExitCode}\n{cut.StdErr}");
        cut.ExitCode.ShouldBe(5, cut.StdErr);
        cut.StdErr.ShouldContain($"PostgreSQL at 127.0.0.1:{gate.Port} became unreachable mid-run");
        cut.StdErr.ShouldContain("rerun to resume");
        (cut.StdOut + cut.StdErr).ShouldNotContain(database.Cluster.Password);
        var afterCut = await FleetFixtures.ReadJobsAsync(database.Url, "pgcut");
        afterCut.ShouldNotContain(j => j.State == JobState.Submitting, "a submit in flight during the outage was left unrecorded");

        var rerun = await CliProcess.RunAsync(dir.Path, env, Args(database.Url), TimeSpan.FromMinutes(3));
        output.WriteLine($"rerun exit {rerun.ExitCode}\n{rerun.StdErr}");
        rerun.ExitCode.ShouldBe(0, rerun.StdErr);
        var counts = await sim.IdempotencyCountsAsync();
        var jobs = await FleetFixtures.ReadJobsAsync(database.Url, "pgcut");
        jobs.Count.ShouldBe(Jobs);
        foreach (var job in jobs)
        {
            job.State.ShouldBe(JobState.Succeeded, $"job {job.Id}: {job.ErrorCode} {job.ErrorMessage}");
            counts.GetValueOrDefault(job.Id).ShouldBe(1, $"job {job.Id} was submitted {counts.GetValueOrDefault(job.Id)} times");
        }
    }
}
