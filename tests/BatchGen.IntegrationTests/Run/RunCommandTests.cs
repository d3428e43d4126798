using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Run;

/// <summary>`batchgen run` as a child process against a simulator: real HTTP on loopback, real SQLite, real files.</summary>
public sealed class RunCommandTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ProviderNames.Magnific)]
    [InlineData(ProviderNames.GmiCloud)]
    [InlineData(ProviderNames.AimlApi)]
    [InlineData(ProviderNames.Pixwith)]
    [InlineData(ProviderNames.Segmind)]
    public async Task Run_OneProviderAgainstSimulator_EveryJobSucceedsWithVerifiedFile(string provider)
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "one", 4, [provider]);
        var result = await RunAsync(dir, manifest, RunFixtures.WriteProvidersFile(dir, sim.BaseAddress));

        result.ExitCode.ShouldBe(0, result.StdErr);
        var jobs = await ReadLedgerAsync(dir);
        jobs.Count.ShouldBe(4);
        foreach (var job in jobs)
        {
            await AssertSucceededAsync(dir, job);
        }

        var counts = await sim.IdempotencyCountsAsync();
        jobs.ShouldAllBe(j => counts.GetValueOrDefault(j.Id) == 1);
    }

    [Fact]
    public async Task Run_SegmindSyncMode_SavesTheVideoFromTheSubmitReply()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "sync", 3, [ProviderNames.Segmind]);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        var text = (await File.ReadAllTextAsync(providers)).Replace("  segmind:\n", "  segmind:\n    mode: sync\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(providers, text);

        var result = await RunAsync(dir, manifest, providers);

        result.ExitCode.ShouldBe(0, result.StdErr);
        foreach (var job in await ReadLedgerAsync(dir))
        {
            await AssertSucceededAsync(dir, job);
        }

        using var stats = await sim.StatsAsync();
        stats.RootElement.GetProperty("providers").GetProperty("segmind").GetProperty("polls").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Run_SecondTimeOnFinishedBatch_SubmitsNothing()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "twice", 10);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        (await RunAsync(dir, manifest, providers)).ExitCode.ShouldBe(0);
        using var before = await sim.StatsAsync();

        var again = await RunAsync(dir, manifest, providers);

        again.ExitCode.ShouldBe(0, again.StdErr);
        using var after = await sim.StatsAsync();
        foreach (var name in ProviderNames.All)
        {
            Submits(after, name).ShouldBe(Submits(before, name), $"{name} got new submits on a finished batch");
        }
    }

    [Fact]
    public async Task Run_DeletedVideo_IsDownloadedAgainWithoutRegenerating()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "redownload", 5);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        (await RunAsync(dir, manifest, providers)).ExitCode.ShouldBe(0);
        var victim = (await ReadLedgerAsync(dir))[0];
        File.Delete(Path.Combine(dir.Path, "out", victim.FilePath!));
        var counts = await sim.IdempotencyCountsAsync();

        var again = await RunAsync(dir, manifest, providers);

        again.ExitCode.ShouldBe(0, again.StdErr);
        await AssertSucceededAsync(dir, (await ReadLedgerAsync(dir)).Single(j => j.Id == victim.Id));
        (await sim.IdempotencyCountsAsync()).ShouldBe(counts);
    }

    [Fact]
    public async Task Run_MissingApiKey_BlocksThatProviderAndFinishesTheOthers()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "nokey", 10);
        var env = RunFixtures.KeyEnvironment();
        env.Remove("PIXWITH_API_KEY");
        var result = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--providers", RunFixtures.WriteProvidersFile(dir, sim.BaseAddress), "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);

        result.ExitCode.ShouldBe(4, result.StdErr);
        result.StdErr.ShouldContain("PIXWITH_API_KEY");
        var jobs = await ReadLedgerAsync(dir);
        jobs.Where(j => j.Provider == ProviderNames.Pixwith).ShouldAllBe(j => j.State == JobState.Blocked);
        jobs.Where(j => j.Provider != ProviderNames.Pixwith).ShouldAllBe(j => j.State == JobState.Succeeded);
        result.StdErr.ShouldNotContain("test-key");
        result.StdOut.ShouldNotContain("test-key");
    }

    [Fact]
    public async Task Run_Interrupted_ExitsWith130AndResumes()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05");
        var manifest = RunFixtures.WriteManifest(dir, "interrupt", 20);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        string[] args = ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
        await using (var run = CliProcess.Start(dir.Path, RunFixtures.KeyEnvironment(), args))
        {
            // Interrupt once tasks are in flight (a generation takes seconds at this time scale), not on a timer.
            await sim.WaitForSubmitsAsync(3, RunFixtures.StateTimeout);
            await run.SignalAsync("INT");

            var exitCode = await run.WaitForExitAsync(RunFixtures.StopTimeout);
            output.WriteLine($"exited {exitCode} after SIGINT: {run.StdErr}");
            exitCode.ShouldBe(130, run.StdErr);
        }

        var resumed = await RunAsync(dir, manifest, providers);
        resumed.ExitCode.ShouldBe(0, resumed.StdErr);
        var counts = await sim.IdempotencyCountsAsync();
        (await ReadLedgerAsync(dir)).ShouldAllBe(j => j.State == JobState.Succeeded && counts[j.Id] == 1);
    }

    [Fact]
    public async Task Run_SimulateInterrupted_StopsWith130DespiteTheEmbeddedWebHost()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "simstop", 20);
        await using var run = CliProcess.Start(dir.Path, null, ["run", manifest, "--simulate", "--time-scale", "0.2", "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);
        // Interrupt once the ledger records a submitted job (a generation takes 8 s or more at this time scale).
        await RunFixtures.WaitForLedgerAsync(dir, jobs => jobs.Any(j => j.State != JobState.Pending), RunFixtures.StateTimeout);

        await run.SignalAsync("INT");

        var exitCode = await run.WaitForExitAsync(RunFixtures.StopTimeout);
        output.WriteLine(run.StdOut + run.StdErr);
        exitCode.ShouldBe(130, run.StdErr);
        run.StdErr.ShouldContain("run the same command again to resume");
        (await ReadLedgerAsync(dir)).ShouldContain(j => j.State != JobState.Succeeded, "the run stopped before finishing");
    }

    [Fact]
    public async Task Run_BudgetBelowBatchCost_StopsWithExit3AndResumesWithHigherCap()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        var manifest = RunFixtures.WriteManifest(dir, "budget", 10, [ProviderNames.Segmind]);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        // Segmind 540p 5 s is $0.375 by default: $1.50 pays for 4 of the 10 jobs.
        var capped = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out"), "--max-cost", "1.50"]);

        capped.ExitCode.ShouldBe(3, capped.StdErr);
        capped.StdErr.ShouldContain("6 jobs not submitted");
        var jobs = await ReadLedgerAsync(dir);
        jobs.Count(j => j.State == JobState.Succeeded).ShouldBe(4);
        jobs.Where(j => j.State == JobState.Succeeded).Sum(j => j.ActualCostUsd ?? j.EstimatedCostUsd ?? 0).ShouldBeLessThanOrEqualTo(1.50m);

        var resumed = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out"), "--max-cost", "10"]);
        resumed.ExitCode.ShouldBe(0, resumed.StdErr);
        (await ReadLedgerAsync(dir)).ShouldAllBe(j => j.State == JobState.Succeeded);
    }

    private static Task<CliResult> RunAsync(TempDirectory dir, string manifest, string providers) =>
        CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")], TimeSpan.FromMinutes(3));

    private static int Submits(JsonDocument stats, string provider) =>
        stats.RootElement.GetProperty("providers").GetProperty(provider).GetProperty("submits").GetInt32();

    internal static async Task<List<LedgerJob>> ReadLedgerAsync(TempDirectory dir)
    {
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(dir.Path, "out", "ledger.db"), TimeProvider.System, CancellationToken.None);
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    internal static async Task AssertSucceededAsync(TempDirectory dir, LedgerJob job)
    {
        job.State.ShouldBe(JobState.Succeeded, $"{job.Provider}/{job.Id}: {job.ErrorCode} {job.ErrorMessage}");
        var file = Path.Combine(dir.Path, "out", job.FilePath!);
        var (info, error) = await Mp4Probe.ProbeFileAsync(file, CancellationToken.None);
        error.ShouldBeNull();
        var (width, height) = FrameSize.For(job.Spec.Parameters.Resolution, job.Spec.Parameters.AspectRatio);
        info!.Width.ShouldBe(width);
        info.Height.ShouldBe(height);
        info.Duration.TotalSeconds.ShouldBe(job.Spec.Parameters.Duration, 0.5);
        job.Sha256.ShouldNotBeNullOrEmpty();
    }
}
