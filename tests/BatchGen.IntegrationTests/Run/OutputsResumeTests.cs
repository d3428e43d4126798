using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Run;

/// <summary>
/// Every output of a job is tracked and restored (Pixwith num_outputs), and a `run --simulate` stopped with Ctrl+C
/// finishes with the same command: the embedded simulator keeps its tasks beside the ledger.
/// </summary>
public sealed class OutputsResumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_PixwithThreeOutputs_AllRecordedAndADeletedOneComesBackWithoutResubmit()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = WriteManifest(dir, "outputs", ProviderNames.Pixwith, takes: 2, "num_outputs: 3");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);

        var first = await RunAsync(dir, manifest, "--providers", providers);

        first.ExitCode.ShouldBe(0, first.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        jobs.Count.ShouldBe(2);
        foreach (var job in jobs)
        {
            job.Outputs.Count.ShouldBe(3, $"job {job.Id}");
            foreach (var o in job.Outputs)
            {
                (await HashAsync(dir, o.FilePath!)).ShouldBe(o.Sha256, $"{o.FilePath}");
            }
        }

        var results = ReadResults(dir);
        results.Select(r => r["outputs"]).ShouldBe(["3", "3"]);
        using (var files = JsonDocument.Parse(results[0]["output_files"]))
        {
            files.RootElement.GetArrayLength().ShouldBe(3);
        }

        var victim = jobs[0].Outputs[1];
        victim.FilePath!.ShouldEndWith("-2.mp4");
        File.Delete(Path.Combine(dir.Path, "out", victim.FilePath));
        var countsBefore = await sim.IdempotencyCountsAsync();
        using var statsBefore = await sim.StatsAsync();

        var again = await RunAsync(dir, manifest, "--providers", providers);

        again.ExitCode.ShouldBe(0, again.StdErr);
        (await HashAsync(dir, victim.FilePath)).ShouldBe(victim.Sha256);
        var restored = (await RunCommandTests.ReadLedgerAsync(dir)).Single(j => j.Id == jobs[0].Id);
        restored.Outputs.Select(o => o.Sha256).ShouldBe(jobs[0].Outputs.Select(o => o.Sha256));
        (await sim.IdempotencyCountsAsync()).ShouldBe(countsBefore);
        using var statsAfter = await sim.StatsAsync();
        Pixwith(statsAfter, "submits").ShouldBe(Pixwith(statsBefore, "submits"), "nothing was generated again");
        Pixwith(statsAfter, "downloads").ShouldBe(Pixwith(statsBefore, "downloads") + 1, "only the deleted output was fetched");
    }

    [Fact]
    public async Task RunSimulate_InterruptedMidRun_SameCommandFinishesReattachingTheInFlightJobs()
    {
        using var dir = new TempDirectory();
        const int Jobs = 25;
        var manifest = RunFixtures.WriteManifest(dir, "simresume", Jobs);
        var outDir = Path.Combine(dir.Path, "out");
        string[] args = ["run", manifest, "--simulate", "--time-scale", "0.1", "--progress", "none", "--out", outDir];

        var inFlight = await InterruptWhenInFlightAsync(dir, args, atLeast: 8);
        output.WriteLine($"{inFlight.Count} jobs in flight at the interrupt");
        inFlight.Count.ShouldBeGreaterThan(0);

        var resumed = await CliProcess.RunAsync(dir.Path, null, args, TimeSpan.FromMinutes(4));
        output.WriteLine(resumed.StdOut + resumed.StdErr);

        resumed.ExitCode.ShouldBe(0, resumed.StdErr);
        resumed.StdErr.ShouldNotContain("Task not found");
        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        jobs.Count.ShouldBe(Jobs);
        foreach (var job in jobs)
        {
            await RunCommandTests.AssertSucceededAsync(dir, job);
        }

        // Re-attached, not resubmitted: the same remote task, and one submit intent per job over both runs.
        await using (var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(outDir, "ledger.db"), TimeProvider.System, CancellationToken.None))
        {
            foreach (var (id, remoteId) in inFlight)
            {
                jobs.Single(j => j.Id == id).RemoteId.ShouldBe(remoteId, $"job {id} was re-attached to its task");
                var submits = 0;
                await foreach (var e in ledger.ReadEventsAsync(id, CancellationToken.None))
                {
                    submits += e.State == JobState.Submitting ? 1 : 0;
                }

                submits.ShouldBe(1, $"job {id} was submitted again");
            }
        }

        // The simulated providers' own record (what they would bill), read back by a simulator on the same state.
        await using (var sim = await SimulatorProcess.StartAsync(dir.Path, "--state", Path.Combine(outDir, ".simulator")))
        {
            var counts = await sim.IdempotencyCountsAsync();
            counts.Count.ShouldBe(Jobs);
            counts.ShouldAllBe(kv => kv.Value == 1, "an Idempotency-Key was submitted twice");
        }

        // A file deleted after the batch is fetched again from the URL an earlier run's simulator (another port) gave.
        var victim = jobs[0];
        File.Delete(Path.Combine(outDir, victim.FilePath!));
        var third = await CliProcess.RunAsync(dir.Path, null, args, TimeSpan.FromMinutes(2));
        third.ExitCode.ShouldBe(0, third.StdErr);
        (await HashAsync(dir, victim.FilePath!)).ShouldBe(victim.Sha256);
    }

    /// <summary>
    /// Starts the run, waits until the ledger shows at least <paramref name="atLeast"/> jobs accepted by their provider
    /// and not finished, sends SIGINT, and returns the jobs still in flight after the process stopped (id, remote id).
    /// </summary>
    private async Task<List<(string Id, string RemoteId)>> InterruptWhenInFlightAsync(TempDirectory dir, string[] args, int atLeast)
    {
        await using var run = CliProcess.Start(dir.Path, null, args);
        var deadline = Stopwatch.StartNew();
        while (await InFlightAsync(dir) is var n && n.Count < atLeast)
        {
            if (run.Process.HasExited)
            {
                Assert.Fail($"the run finished before {atLeast} jobs were in flight: {run.StdErr}");
            }

            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"only {n.Count} jobs in flight");
            await Task.Delay(50);
        }

        await run.SignalAsync("INT");
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"interrupted run: exit {exitCode}\n{run.StdOut}{run.StdErr}");
        exitCode.ShouldBe(130);
        return await InFlightAsync(dir);
    }

    private static async Task<List<(string Id, string RemoteId)>> InFlightAsync(TempDirectory dir)
    {
        if (!File.Exists(Path.Combine(dir.Path, "out", "ledger.db")))
        {
            return [];
        }

        try
        {
            return (await RunCommandTests.ReadLedgerAsync(dir))
                .Where(j => j.State is JobState.Submitted or JobState.Running && j.RemoteId is not null)
                .Select(j => (j.Id, j.RemoteId!))
                .ToList();
        }
        catch (LedgerException)
        {
            return []; // created but not initialised yet
        }
    }

    private static Task<CliResult> RunAsync(TempDirectory dir, string manifest, params string[] extra) =>
        CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--progress", "none", "--out", Path.Combine(dir.Path, "out"), .. extra], TimeSpan.FromMinutes(3));

    private static string WriteManifest(TempDirectory dir, string name, string provider, int takes, string extraDefault) =>
        dir.Write($"{name}.yaml", $$"""
            version: 1
            name: {{name}}
            defaults:
              prompt: "a cat surfing a wave, take {take}"
              image_url: https://example.com/cat.png
              duration: 5
              resolution: 540p
              {{extraDefault}}
            matrix:
              provider: [{{provider}}]
              take: [{{string.Join(", ", Enumerable.Range(1, takes))}}]
            """);

    private static List<Dictionary<string, string>> ReadResults(TempDirectory dir) =>
        Reports.ResumeReportTests.ReadCsv(Path.Combine(dir.Path, "out", "results.csv"));

    private static async Task<string> HashAsync(TempDirectory dir, string relative) =>
        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dir.Path, "out", relative))));

    private static long Pixwith(JsonDocument stats, string counter) =>
        stats.RootElement.GetProperty("providers").GetProperty(ProviderNames.Pixwith).GetProperty(counter).GetInt64();
}
