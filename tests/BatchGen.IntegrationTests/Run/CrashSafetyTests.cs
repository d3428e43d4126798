using System.Diagnostics;
using System.Globalization;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Run;

/// <summary>
/// Kills `batchgen run` (SIGKILL) at random moments, many times over one batch, resuming each time, against a
/// simulator in its own process. At the end no job was ever submitted twice (per Idempotency-Key count), every job
/// whose submit was not cut mid-flight succeeded exactly once, and every file verifies.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public Task KillAndResume_ShortRun_NeverSubmitsTwiceAndLosesNothing() => KillAndResumeAsync(jobs: 30, kills: 6, seed: 7);

    [Fact]
    [Trait("Category", "Soak")]
    public async Task KillAndResume_Soak_NeverSubmitsTwiceAndLosesNothing()
    {
        if (Environment.GetEnvironmentVariable("BATCHGEN_SOAK") != "1")
        {
            output.WriteLine("soak run skipped: set BATCHGEN_SOAK=1 (make soak)");
            return;
        }

        await KillAndResumeAsync(jobs: 200, kills: 40, seed: 11);
    }

    private async Task KillAndResumeAsync(int jobs, int kills, int seed)
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", seed.ToString(CultureInfo.InvariantCulture));
        var manifest = RunFixtures.WriteManifest(dir, "crash", jobs);
        var providersFile = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        var env = RunFixtures.KeyEnvironment();
        string[] args = ["run", manifest, "--providers", providersFile, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];

        var random = new Random(seed);
        for (var i = 0; i < kills; i++)
        {
            using var process = CliProcess.Start(dir.Path, env, args);
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var after = TimeSpan.FromMilliseconds(random.Next(150, 2500));
            var exited = await WaitForExitAsync(process, after);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                output.WriteLine($"kill {i + 1}: SIGKILL after {after.TotalMilliseconds} ms");
            }
            else
            {
                output.WriteLine($"kill {i + 1}: the run finished by itself (exit {process.ExitCode}) before {after.TotalMilliseconds} ms");
            }
        }

        var final = await CliProcess.RunAsync(dir.Path, env, args, TimeSpan.FromMinutes(3));
        output.WriteLine($"final run: exit {final.ExitCode}\n{final.StdOut}\n{final.StdErr}");

        var ledgerPath = Path.Combine(dir.Path, "out", "ledger.db");
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(ledgerPath, TimeProvider.System, CancellationToken.None);
        var rows = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            rows.Add(job);
        }

        var counts = await sim.IdempotencyCountsAsync();
        rows.Count.ShouldBe(jobs);
        foreach (var job in rows)
        {
            counts.GetValueOrDefault(job.Id).ShouldBeLessThanOrEqualTo(1, $"job {job.Id} ({job.Provider}) was submitted more than once");
        }

        var ambiguous = rows.Where(r => r.State == JobState.Submitting).ToList();
        output.WriteLine($"{ambiguous.Count} jobs ambiguous (killed between intent and remote id)");
        foreach (var job in rows.Where(r => r.State != JobState.Submitting))
        {
            job.State.ShouldBe(JobState.Succeeded, $"job {job.Id} ({job.Provider}): {job.ErrorCode} {job.ErrorMessage}");
            counts.GetValueOrDefault(job.Id).ShouldBe(1, $"job {job.Id} succeeded but the simulator saw {counts.GetValueOrDefault(job.Id)} submits");
            var file = Path.Combine(dir.Path, "out", job.FilePath!);
            var (info, error) = await Mp4Probe.ProbeFileAsync(file, CancellationToken.None);
            error.ShouldBeNull($"{file}: {error}");
            info!.Duration.TotalSeconds.ShouldBe(job.Spec.Parameters.Duration, 0.5);
            new FileInfo(file).Length.ShouldBe(job.Bytes!.Value);
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file))).ShouldBe(job.Sha256);
        }

        // Ambiguity can only come from a kill inside a submit; it must stay rare, or the window is too wide.
        ambiguous.Count.ShouldBeLessThanOrEqualTo(Math.Max(1, kills / 3));
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
