using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;

namespace BatchGen.Tests.Pipeline;

public sealed class LatencyTrackerTests
{
    private static readonly LatencyClass Class720 = new(ProviderNames.Magnific, "720p", 5);
    private readonly LatencyTracker _sut = new();

    [Fact]
    public void Estimate_FewerThanTheMinimum_Null()
    {
        for (var i = 0; i < LatencyTracker.MinimumObservations - 1; i++)
        {
            _sut.Observe(Class720, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
        }

        _sut.Estimate(Class720).ShouldBeNull();
    }

    [Fact]
    public void Estimate_OtherClass_NotMixedIn()
    {
        for (var i = 0; i < 20; i++)
        {
            _sut.Observe(Class720, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
        }

        _sut.Estimate(Class720 with { Duration = 8 }).ShouldBeNull();
        _sut.Estimate(Class720 with { Resolution = "1080p" }).ShouldBeNull();
    }

    [Fact]
    public void Estimate_LatePollsAfterTightRunningPolls_NotCountedAsLatency()
    {
        // Every task completes at 60 s; polls saw it running at 59.5 s and the next answer came only at 70 s or 90 s.
        for (var i = 0; i < 40; i++)
        {
            _sut.Observe(Class720, TimeSpan.FromSeconds(59.5), TimeSpan.FromSeconds(i % 2 == 0 ? 70 : 90));
            _sut.Observe(Class720, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60.5));
        }

        // The intervals share (59.5, 60.5]: the estimate stays there, not at the late answers.
        _sut.Estimate(Class720)!.Quantile(0.5).ShouldBeInRange(59, 61.5);
    }

    [Fact]
    public void Estimate_FinishedAtTheFirstPollMoreOften_ComesDown()
    {
        // Tight observations around 60 s ...
        for (var i = 0; i < LatencyTracker.Window; i++)
        {
            _sut.Observe(Class720, TimeSpan.FromSeconds(58 + (i % 4)), TimeSpan.FromSeconds(59 + (i % 4)));
        }

        var before = _sut.Estimate(Class720)!.Quantile(0.5);

        // ... then the provider answers "finished" at the first poll (60 s) for most tasks, and probes at 40 s agree.
        for (var i = 0; i < LatencyTracker.Window; i++)
        {
            _sut.Observe(Class720, TimeSpan.Zero, TimeSpan.FromSeconds(i % 8 == 0 ? 40 : 60));
        }

        var after = _sut.Estimate(Class720)!.Quantile(0.5);
        before.ShouldBeInRange(58, 62);
        after.ShouldBeLessThan(40.5);
    }

    [Fact]
    public void Estimate_IntervalsFromAKnownDistribution_QuantilesMatch()
    {
        // Uniform completion in [50, 70] s, observed by polls every 2 s from 40 s: each interval is one poll gap.
        var random = new Random(3);
        for (var i = 0; i < LatencyTracker.Window; i++)
        {
            var x = 50 + (20 * random.NextDouble());
            var lastRunning = 40 + (2 * Math.Floor((x - 40) / 2));
            _sut.Observe(Class720, TimeSpan.FromSeconds(lastRunning), TimeSpan.FromSeconds(lastRunning + 2));
        }

        var estimate = _sut.Estimate(Class720)!;

        estimate.Quantile(0.5).ShouldBeInRange(57, 63);
        estimate.Quantile(0.9).ShouldBeInRange(65, 71);
        estimate.Cdf(49).ShouldBeLessThan(0.02);
    }
}
