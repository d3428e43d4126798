using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using BatchGen.Ledger.Postgres;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Ledger;

/// <summary>
/// The real CLI against the simulator with its ledger in the test PostgreSQL cluster: a run completes and status,
/// report and export read it; a run killed (SIGKILL) mid-way resumes without submitting any Idempotency-Key twice;
/// an unreachable server is one line naming host:port with exit 5. The password never shows.
/// </summary>
public sealed class PostgresLedgerRunTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Run_PostgresLedger_CompletesAndStatusReportExportReadIt()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "3");
        var manifest = RunFixtures.WriteManifest(dir, "pgrun", 10);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        var outDir = Path.Combine(dir.Path, "out");

        var run = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--ledger", database.Url, "--batch", "b1", "--providers", providers, "--progress", "none", "--out", outDir]);

        output.WriteLine(run.StdOut + run.StdErr);
        run.ExitCode.ShouldBe(0, run.StdErr);
        File.Exists(Path.Combine(outDir, "ledger.db")).ShouldBeFalse("the ledger is in PostgreSQL");
        (run.StdOut + run.StdErr).ShouldNotContain(database.Cluster.Password);

        // status through the environment variable, the others through --ledger.
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { [LedgerSelectionVariable] = database.Url };
        var status = await CliProcess.RunAsync(dir.Path, env, ["status", manifest, "--batch", "b1", "--out", outDir, "--json"]);
        status.ExitCode.ShouldBe(0, status.StdErr);
        using (var json = JsonDocument.Parse(status.StdOut))
        {
            json.RootElement.GetProperty("jobs").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("states").GetProperty("succeeded").GetInt32().ShouldBe(10);
        }

        var report = await CliProcess.RunAsync(dir.Path, null, ["report", "pgrun", "--ledger", database.Url, "--batch", "b1", "--out", Path.Combine(dir.Path, "reports")]);
        report.ExitCode.ShouldBe(0, report.StdErr);
        var results = await File.ReadAllLinesAsync(Path.Combine(dir.Path, "reports", "results.csv"));
        results.Length.ShouldBe(11);

        var export = await CliProcess.RunAsync(dir.Path, null, ["export", manifest, "--ledger", database.ConnectionString, "--batch", "b1", "--format", "jsonl"]);
        export.ExitCode.ShouldBe(0, export.StdErr);
        export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(10);

        var missing = await CliProcess.RunAsync(dir.Path, null, ["status", manifest, "--ledger", database.Url, "--batch", "nope"]);
        missing.ExitCode.ShouldBe(5);
        missing.StdErr.ShouldContain("no such batch in this database (batches here: 'pgrun' (--batch b1)");
        missing.StdErr.ShouldNotContain(database.Cluster.Password);
    }

    [Fact]
    public async Task Run_KilledMidRunThenRerun_NoIdempotencyKeySubmittedTwice()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05", "--seed", "5");
        const int Jobs = 25;
        var manifest = RunFixtures.WriteManifest(dir, "pgkill", Jobs);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        string[] args = ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
        var address = PostgresAddress.Parse(database.Url);
        var batch = new PostgresBatch("pgkill");

        await using (var first = CliProcess.Start(dir.Path, env, args))
        {
            // Killed once some jobs hold remote ids and others are not done: mid-run, whatever the machine's speed.
            await PostgresWait.ForAsync(address, batch, jobs => jobs.Count(j => j.RemoteId is not null) >= 4 && jobs.Any(j => j.State != JobState.Succeeded));
            first.Process.HasExited.ShouldBeFalse("the run was still going when killed");
            await ChildProcesses.KillTreeAsync(first.Process);
        }

        var rerun = await CliProcess.RunAsync(dir.Path, env, args, TimeSpan.FromMinutes(3));
        output.WriteLine(rerun.StdOut + rerun.StdErr);
        rerun.ExitCode.ShouldBeOneOf(0, 1);

        var counts = await sim.IdempotencyCountsAsync();
        var jobs = await PostgresWait.ReadAsync(address, batch);
        jobs.Count.ShouldBe(Jobs);
        foreach (var job in jobs)
        {
            counts.GetValueOrDefault(job.Id).ShouldBeLessThanOrEqualTo(1, $"job {job.Id} ({job.Provider}) was submitted more than once");
            if (job.State != JobState.Submitting)
            {
                job.State.ShouldBe(JobState.Succeeded, $"job {job.Id}: {job.ErrorCode} {job.ErrorMessage}");
                counts.GetValueOrDefault(job.Id).ShouldBe(1);
            }
        }

        rerun.ExitCode.ShouldBe(jobs.Any(j => j.State == JobState.Submitting) ? 1 : 0, rerun.StdErr);
    }

    [Fact]
    public async Task Run_PostgresUnreachable_OneLineNamingHostAndPort_Exit5_NoPassword()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "pgdown", 2);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--simulate", "--ledger", $"postgres://fleet:hunter2-secret@127.0.0.1:{port}/batches?connect_timeout=5", "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);

        run.ExitCode.ShouldBe(5, run.StdErr);
        var line = run.StdErr.Trim().Split('\n').ShouldHaveSingleItem();
        line.ShouldContain($"PostgreSQL at 127.0.0.1:{port} is unreachable");
        line.ShouldContain($"postgres://fleet@127.0.0.1:{port}/batches");
        (run.StdOut + run.StdErr).ShouldNotContain("hunter2-secret");
    }

    [Fact]
    public async Task Run_SecondRunOnTheSameBatch_RefusedWithExit6NamingTheFirst()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "pglock", 2);
        var address = PostgresAddress.Parse(database.Url);
        await using var holder = await PostgresLedger.OpenAsync(address, new PostgresBatch("pglock"), TimeProvider.System, CancellationToken.None);

        var run = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--simulate", "--ledger", database.Url, "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);

        run.ExitCode.ShouldBe(6, run.StdErr);
        run.StdErr.ShouldContain("another run holds this batch: batchgen ");
    }

    private const string LedgerSelectionVariable = "BATCHGEN_LEDGER";
}
