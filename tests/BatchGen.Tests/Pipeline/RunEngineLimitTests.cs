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
        // second); its cap counts the tasks it has not finished. Two slots on both sides, eight jobs. Each poll's reply
        // comes 300 ms late, so the promise and its grace pass before the finishing poll is back.
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Pixwith].MaxConcurrentTasks = 2);
        h.Providers[ProviderNames.Pixwith].Concurrency = 2;
        var jobs = PipelineHarness.Jobs(ProviderNames.Pixwith, 8).ToList();

        var summary = await h.RunAsync(jobs, wrap: a => new SlowPollAdapter(a, TimeSpan.FromMilliseconds(300)));

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

    [Fact]
    public async Task RunAsync_PromiseExactlyTheTaskTimeAndTimersFiringEarly_NoSubmitReachesTheProviderWhileItsTaskRuns()
    {
        // Each task takes exactly 1 s, so the promise (whole seconds, rounded up) is exactly its time, and the engine's
        // timers longer than 100 ms fire 90 ms early. A worker that took the next job when its timer fired would
        // submit while, by the provider's clock, its task still ran: the cap of 2 would refuse it.
        await using var h = await PipelineHarness.StartAsync(s =>
        {
            s.Providers[ProviderNames.Pixwith].MaxConcurrentTasks = 2;
            s.Providers[ProviderNames.Pixwith].Latency = new LatencyScenario
            {
                QueueMinSeconds = 0,
                QueueMaxSeconds = 0,
                GenerationBaseSeconds = 1,
                GenerationPerVideoSecond = 0,
                Jitter = 0,
                ResolutionFactors = new(StringComparer.Ordinal) { ["540p"] = 1 },
            };
        });
        h.Providers[ProviderNames.Pixwith].Concurrency = 2;
        h.EngineClock = new EarlyTimersClock(TimeSpan.FromMilliseconds(90));
        var jobs = PipelineHarness.Jobs(ProviderNames.Pixwith, 6).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(6);
        var stats = h.Stats(ProviderNames.Pixwith);
        stats.ConcurrencyLimited.ShouldBe(0);
        stats.Submits.ShouldBe(6);
    }

    /// <summary>Every poll's reply comes <paramref name="delay"/> late.</summary>
    private sealed class SlowPollAdapter(IProviderAdapter inner, TimeSpan delay) : IProviderAdapter
    {
        public string Name => inner.Name;

        public Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken) => inner.SubmitAsync(job, cancellationToken);

        public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
        {
            var poll = await inner.PollAsync(remoteId, cancellationToken);
            await Task.Delay(delay, cancellationToken);
            return poll;
        }

        public Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken) => inner.FetchResultAsync(remoteId, cancellationToken);
    }
}
