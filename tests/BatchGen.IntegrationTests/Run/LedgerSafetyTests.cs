using System.Diagnostics;
using System.Globalization;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Run;

/// <summary>
/// The real CLI against a simulator process: a second run is kept out by the lock on ledger.db itself (exit 6 naming
/// the holder) even after ledger.db.lock is deleted; deleting ledger.db-wal mid-run stops the run (exit 5) or, after
/// a kill, gets the resume refused; either way no Idempotency-Key reaches the simulator twice. A provider charging 3x
/// its estimate under concurrency stays under the cap, and the money figures do not move on a rerun.
/// </summary>
public sealed class LedgerSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LockFileAndWalDeletedMidRun_KilledAndResumed_NoJobSubmittedTwice()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.02", "--seed", "21");
        var manifest = RunFixtures.WriteManifest(dir, "locked", 40);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var outDir = Path.Combine(dir.Path, "out");
        var ledgerPath = Path.Combine(outDir, "ledger.db");
        var env = RunFixtures.KeyEnvironment();
        string[] args = ["run", manifest, "--providers", providers, "--progress", "none", "--out", outDir];

        await using (var first = CliProcess.Start(dir.Path, env, args))
        {
            await WaitForAsync(async () => File.Exists(ledgerPath + ".lock") && await SubmitsAsync(sim) >= 4, first.Process, "the first run's first submits");

            var second = await CliProcess.RunAsync(dir.Path, env, args);
            output.WriteLine($"second run: exit {second.ExitCode}: {second.StdErr}");
            second.ExitCode.ShouldBe(6);
            second.StdErr.ShouldContain($"another batchgen run holds this batch: PID {first.Id} on host {Environment.MachineName}, started ");

            File.Delete(ledgerPath + ".lock");
            var third = await CliProcess.RunAsync(dir.Path, env, args);
            output.WriteLine($"run after deleting the lock file: exit {third.ExitCode}: {third.StdErr}");
            third.ExitCode.ShouldBe(6, "deleting ledger.db.lock must not let a second run in");

            File.Delete(ledgerPath + "-wal");
            if (await ExitsWithinAsync(first.Process, TimeSpan.FromSeconds(60)))
            {
                var code = await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
                output.WriteLine($"first run: exit {code}: {first.StdErr}");
                code.ShouldBe(5);
                first.StdErr.ShouldContain("ledger.db-wal was deleted during the run: stopped submitting");
            }
            else
            {
                output.WriteLine("first run: still going 60 s after its WAL was deleted; killed");
            }
        }

        var resume = await CliProcess.RunAsync(dir.Path, env, args, TimeSpan.FromMinutes(3));
        output.WriteLine($"resume: exit {resume.ExitCode}\n{resume.StdOut}\n{resume.StdErr}");
        if (resume.StdErr.Contains("ledger.db.mark", StringComparison.Ordinal))
        {
            // Killed before the loss was noticed: the rolled-back ledger is refused, and status does not call it fine.
            resume.ExitCode.ShouldBe(5);
            (await CliProcess.RunAsync(dir.Path, null, ["status", ledgerPath])).ExitCode.ShouldBe(5);
        }
        else
        {
            resume.ExitCode.ShouldBeOneOf(0, 1);
        }

        foreach (var (key, count) in await sim.IdempotencyCountsAsync())
        {
            count.ShouldBe(1, $"Idempotency-Key {key} was submitted {count} times");
        }

        await AssertStatusReadsReadOnlyDirectoryAsync(dir, outDir, ledgerPath);
    }

    [Fact]
    public async Task ProviderCharging3xUnderConcurrency_StaysUnderTheCap_AndSpentDoesNotMoveOnRerun()
    {
        using var dir = new TempDirectory();
        var takes = string.Join(", ", Enumerable.Range(1, 40));
        var manifest = dir.Write("charge.yaml", $"version: 1\nname: charge\ndefaults:\n  prompt: \"a cat, take {{take}}\"\n  image_url: https://example.com/cat.png\n  duration: 5\n  resolution: 540p\nmatrix:\n  provider: [aimlapi]\n  take: [{takes}]\nproviders:\n  aimlapi: {{concurrency: 8}}\n");
        // The price table estimates 45 credits ($0.45); the simulator charges 135.
        var scenario = dir.Write("charge-3x.yaml", "providers:\n  aimlapi:\n    credits: { price_per_job: 135 }\n");
        var outDir = Path.Combine(dir.Path, "out");
        Directory.CreateDirectory(outDir);
        var gone = DeadPid();
        await File.WriteAllTextAsync(Path.Combine(outDir, "ledger.db.lock"), $"pid: {gone}\nhost: {Environment.MachineName}\nstarted: 2026-11-27T02:00:00Z\n");
        string[] args = ["run", manifest, "--simulate", "--scenario", scenario, "--max-cost", "20", "--progress", "none", "--out", outDir];

        var run = await CliProcess.RunAsync(dir.Path, null, args, TimeSpan.FromMinutes(3));
        output.WriteLine($"run: exit {run.ExitCode}\n{run.StdOut}\n{run.StdErr}");
        var rerun = await CliProcess.RunAsync(dir.Path, null, args, TimeSpan.FromMinutes(3));
        output.WriteLine($"rerun: exit {rerun.ExitCode}\n{rerun.StdOut}\n{rerun.StdErr}");

        run.StdErr.ShouldContain($"taking over the ledger lock left by PID {gone} on host {Environment.MachineName}, started 2026-11-27T02:00:00Z: that process is gone");
        run.ExitCode.ShouldBe(3, run.StdErr);
        var charged = 0m;
        await using (var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(outDir, "ledger.db"), TimeProvider.System, CancellationToken.None))
        {
            await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
            {
                job.ActualCostUsd.ShouldBeOneOf(null, 1.35m);
                charged += job.ActualCostUsd ?? 0m;
            }
        }

        charged.ShouldBeLessThanOrEqualTo(20m, "the provider charged 3x its estimate, but the cap held");
        charged.ShouldBeGreaterThan(10m, "the run kept admitting while the higher price fitted");
        var budgetLine = Line(run.StdErr, "budget reached: ");
        budgetLine.ShouldStartWith(string.Create(CultureInfo.InvariantCulture, $"budget reached: spent ${charged:0.00} (simulated), $0.00 reserved for 0 unresolved submits, of $20.00;"));
        rerun.ExitCode.ShouldBe(3);
        Line(rerun.StdErr, "budget reached: ").ShouldBe(budgetLine, "no activity, no change in the money figures");
        Line(rerun.StdOut, "40 jobs: ").ShouldBe(Line(run.StdOut, "40 jobs: "));
    }

    private async Task AssertStatusReadsReadOnlyDirectoryAsync(TempDirectory dir, string outDir, string ledgerPath)
    {
        if (OperatingSystem.IsWindows() || File.Exists(ledgerPath + "-wal"))
        {
            return;
        }

        File.SetUnixFileMode(ledgerPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(outDir, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            var status = await CliProcess.RunAsync(dir.Path, null, ["status", ledgerPath, "--json"]);
            output.WriteLine($"status in a read-only directory: exit {status.ExitCode}: {status.StdErr}");
            status.ExitCode.ShouldBeOneOf(0, 5);
            status.StdOut.ShouldContain("\"jobs\": 40");
            var export = await CliProcess.RunAsync(dir.Path, null, ["export", ledgerPath, "--format", "jsonl"]);
            export.ExitCode.ShouldBe(0, export.StdErr);
            File.Exists(ledgerPath + "-wal").ShouldBeFalse("a reader must not leave a -wal file");
            File.Exists(ledgerPath + "-shm").ShouldBeFalse("a reader must not leave a -shm file");
        }
        finally
        {
            File.SetUnixFileMode(outDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string Line(string text, string prefix) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? $"(no line starting with '{prefix}')";

    private static async Task<int> SubmitsAsync(SimulatorProcess sim)
    {
        using var stats = await sim.StatsAsync();
        return stats.RootElement.GetProperty("providers").EnumerateObject().Sum(p => p.Value.GetProperty("submits").GetInt32());
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Process process, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            process.HasExited.ShouldBeFalse($"the run exited (code {(process.HasExited ? process.ExitCode : 0)}) before {what}");
            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan timeout)
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

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
