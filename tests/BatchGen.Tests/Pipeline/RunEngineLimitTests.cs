using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Simulator;

namespace BatchGen.Tests.Pipeline;

/// <summary>Per-provider request rate and concurrency limits against the simulator's per-key limits.</summary>
public sealed class RunEngineLimitTests
{
    private static readonly string[] Providers = [ProviderNames.Magnific, ProviderNames.GmiCloud, ProviderNames.Segmind];

    [Fact]
    public async Task RunAsync_LimitsAtOrBelowSimulators_SimulatorCountsNoRateOrConcurrencyRejections()
    {
        await using var h = await PipelineHarness.StartAsync(s =>
        {
            foreach (var name in Providers)
            {
                s.Providers[name].RateLimit = new RateLimitScenario { Permits = 30, PeriodSeconds = 1, Burst = 30 };
                s.Providers[name].MaxConcurrentTasks = 4;
            }
        });
        foreach (var name in Providers)
        {
            h.Providers[name].RateLimit = new RateLimitSpec(30, TimeSpan.FromSeconds(1));
            h.Providers[name].Concurrency = 4;
        }

        var jobs = Providers.SelectMany(p => PipelineHarness.Jobs(p, 20)).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(60);
        foreach (var name in Providers)
        {
            var stats = h.Stats(name);
            stats.RateLimited.ShouldBe(0, name);
            stats.ConcurrencyLimited.ShouldBe(0, name);
            stats.Submits.ShouldBe(20, name);
            h.Progress.For(name).Throttled.ShouldBe(0, name);
        }
    }

    [Fact]
    public async Task RunAsync_LimitsAboveSimulators_RateLimitsAbsorbedAndThrottleSlowsDown()
    {
        await using var h = await PipelineHarness.StartAsync(s =>
            s.Providers[ProviderNames.GmiCloud].RateLimit = new RateLimitScenario { Permits = 10, PeriodSeconds = 1, Burst = 4 });
        h.Providers[ProviderNames.GmiCloud].RateLimit = new RateLimitSpec(200, TimeSpan.FromSeconds(1));
        h.Providers[ProviderNames.GmiCloud].Concurrency = 8;
        h.Providers[ProviderNames.GmiCloud].NominalLatency = TimeSpan.FromMilliseconds(300);
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 10).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(10);
        h.Stats(ProviderNames.GmiCloud).RateLimited.ShouldBeGreaterThan(0);
        h.Progress.For(ProviderNames.GmiCloud).Throttled.ShouldBeGreaterThan(0);
        foreach (var job in jobs)
        {
            h.CreatedTasks(job.Id).ShouldBe(1, job.Id);
        }
    }

    [Fact]
    public async Task RunAsync_ProviderPromisesCompletion_SlotFreedAtThePromiseWithinTheCapAndEachJobSubmittedOnce()
    {
        // Pixwith answers each submit with estimated_time (the simulator's is its own completion time, rounded up to a
        // second); its cap counts the tasks it has not finished. Two slots on both sides, eight jobs.
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Pixwith].MaxConcurrentTasks = 2);
        h.Providers[ProviderNames.Pixwith].Concurrency = 2;
        var jobs = PipelineHarness.Jobs(ProviderNames.Pixwith, 8).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(8);
        var stats = h.Stats(ProviderNames.Pixwith);
        stats.ConcurrencyLimited.ShouldBe(0);
        stats.RateLimited.ShouldBe(0);
        stats.Submits.ShouldBe(8);
        foreach (var job in jobs)
        {
            h.CreatedTasks(job.Id).ShouldBe(1, job.Id);
        }

        // Workers left their tasks' finishing polls to run on their own once the promise had passed.
        h.Progress.For(ProviderNames.Pixwith).HandedOff.ShouldBeGreaterThan(0);
    }
}
