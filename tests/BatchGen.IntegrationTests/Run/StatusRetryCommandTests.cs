using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Run;

/// <summary>`batchgen status --json` and `batchgen retry --failed` on a batch where one provider's tasks never finish.</summary>
public sealed class StatusRetryCommandTests
{
    private static readonly string[] Providers = [ProviderNames.Magnific, ProviderNames.GmiCloud];

    [Fact]
    public async Task Status_Json_CountsMatchTheLedger()
    {
        using var dir = new TempDirectory();
        var (sim, manifest, providers) = await StartAsync(dir);
        await using (sim)
        {
            (await RunAsync(dir, "run", manifest, providers)).ExitCode.ShouldBe(1, "gmicloud jobs fail at their deadline");

            var status = await CliProcess.RunAsync(dir.Path, "status", Path.Combine(dir.Path, "out", "ledger.db"), "--json");

            status.ExitCode.ShouldBe(0, status.StdErr);
            using var json = JsonDocument.Parse(status.StdOut);
            var jobs = await RunCommandTests.ReadLedgerAsync(dir);
            json.RootElement.GetProperty("jobs").GetInt32().ShouldBe(jobs.Count);
            foreach (var provider in Providers)
            {
                var counts = json.RootElement.GetProperty("providers").GetProperty(provider);
                foreach (var group in jobs.Where(j => j.Provider == provider).GroupBy(j => j.State))
                {
                    counts.GetProperty(group.Key.ToString().ToLowerInvariant()).GetInt32().ShouldBe(group.Count(), $"{provider} {group.Key}");
                }
            }

            var failures = json.RootElement.GetProperty("failures").EnumerateArray().ToList();
            failures.ShouldAllBe(f => f.GetProperty("provider").GetString() == ProviderNames.GmiCloud && f.GetProperty("code").GetString() == "deadline");
            failures.Sum(f => f.GetProperty("jobs").GetInt32()).ShouldBe(jobs.Count(j => j.State == JobState.Failed));
            jobs.Count(j => j.State == JobState.Failed).ShouldBe(2);
        }
    }

    [Fact]
    public async Task Retry_FailedWithRemoteId_PollsTheTaskAgainWithoutResubmitting()
    {
        using var dir = new TempDirectory();
        var (sim, manifest, providers) = await StartAsync(dir);
        await using (sim)
        {
            await RunAsync(dir, "run", manifest, providers);
            var failed = (await RunCommandTests.ReadLedgerAsync(dir)).Where(j => j.State == JobState.Failed).ToList();
            failed.ShouldNotBeEmpty();
            failed.ShouldAllBe(j => j.RemoteId != null && j.ErrorCode == "deadline");
            using var before = await sim.StatsAsync();

            var retry = await RunAsync(dir, "retry", manifest, providers, "--failed");

            retry.ExitCode.ShouldBe(1, retry.StdErr);
            using var after = await sim.StatsAsync();
            Stat(after, "submit_attempts").ShouldBe(Stat(before, "submit_attempts"), "retry re-attaches, it does not submit");
            Stat(after, "polls").ShouldBeGreaterThan(Stat(before, "polls"));
            var counts = await sim.IdempotencyCountsAsync();
            failed.ShouldAllBe(j => counts[j.Id] == 1);
            var events = new List<LedgerEvent>();
            await using (var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(dir.Path, "out", "ledger.db"), TimeProvider.System, CancellationToken.None))
            {
                await foreach (var e in ledger.ReadEventsAsync(failed[0].Id, CancellationToken.None))
                {
                    events.Add(e);
                }
            }

            events.ShouldContain(e => e.State == JobState.Submitted && e.Note != null && e.Note.StartsWith("retry requested", StringComparison.Ordinal));
            events.Count(e => e.State == JobState.Submitting).ShouldBe(1);
        }
    }

    private static async Task<(SimulatorProcess Sim, string Manifest, string Providers)> StartAsync(TempDirectory dir)
    {
        var scenario = dir.Write("scenario.yaml", "providers:\n  gmicloud:\n    faults:\n      task_never_finishes: 1.0\n");
        var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--scenario", scenario);
        try
        {
            var manifest = RunFixtures.WriteManifest(dir, "status", 4, Providers);
            var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
            var text = (await File.ReadAllTextAsync(providers)).Replace("job_deadline_seconds: 120", "job_deadline_seconds: 2", StringComparison.Ordinal);
            await File.WriteAllTextAsync(providers, text);
            return (sim, manifest, providers);
        }
        catch
        {
            await sim.DisposeAsync();
            throw;
        }
    }

    private static Task<CliResult> RunAsync(TempDirectory dir, string command, string manifest, string providers, params string[] extra) =>
        CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), [command, manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out"), .. extra]);

    private static long Stat(JsonDocument stats, string name) =>
        stats.RootElement.GetProperty("providers").GetProperty(ProviderNames.GmiCloud).GetProperty(name).GetInt64();
}
