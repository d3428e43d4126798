using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using BatchGen.Ledger.Postgres;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Ledger;

/// <summary>
/// PostgreSQL stops under a running batch (immediate shutdown of a cluster of the test's own): the run stops with one
/// line naming the server and exit 5; once the server is back, a rerun finishes the batch and no Idempotency-Key was
/// ever submitted twice.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_ServerStopsMidRun_Exit5OneLine_RerunAfterRestartFinishesWithoutResubmitting()
    {
        using var cluster = PostgresCluster.StartPrivate();
        var database = cluster.CreateDatabase("outage");
        var url = cluster.Url(database);
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05", "--seed", "8");
        const int Jobs = 20;
        var manifest = RunFixtures.WriteManifest(dir, "outage", Jobs);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        string[] args = ["run", manifest, "--ledger", url, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
        var address = PostgresAddress.Parse(url);
        var batch = new PostgresBatch("outage");

        await using (var first = CliProcess.Start(dir.Path, env, args))
        {
            await PostgresWait.ForAsync(address, batch, jobs => jobs.Count(j => j.RemoteId is not null) >= 3 && jobs.Any(j => j.State != JobState.Succeeded));
            cluster.Halt();
            // The child's own wait also waits for the end of its output: the last stderr line can arrive after the exit.
            var exitCode = await first.WaitForExitAsync(RunFixtures.StopTimeout);
            var stderr = first.StdErr;
            output.WriteLine(stderr);
            exitCode.ShouldBe(5, stderr);
            stderr.ShouldContain($"127.0.0.1:{cluster.Port}");
            stderr.ShouldContain("rerun");
            stderr.ShouldNotContain(cluster.Password);
            stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        }

        cluster.Resume();
        var rerun = await CliProcess.RunAsync(dir.Path, env, args, TimeSpan.FromMinutes(3));
        output.WriteLine(rerun.StdOut + rerun.StdErr);

        var counts = await sim.IdempotencyCountsAsync();
        var jobs = await PostgresWait.ReadAsync(address, batch);
        jobs.Count.ShouldBe(Jobs);
        foreach (var job in jobs)
        {
            counts.GetValueOrDefault(job.Id).ShouldBeLessThanOrEqualTo(1, $"job {job.Id} ({job.Provider}) was submitted more than once");
            if (job.State != JobState.Submitting)
            {
                job.State.ShouldBe(JobState.Succeeded, $"job {job.Id}: {job.ErrorCode} {job.ErrorMessage}");
            }
        }

        rerun.ExitCode.ShouldBe(jobs.Any(j => j.State == JobState.Submitting) ? 1 : 0, rerun.StdErr);
    }
}
