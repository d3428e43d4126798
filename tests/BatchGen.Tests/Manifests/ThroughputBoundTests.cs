using BatchGen.Core.Manifests.Planning;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Manifests;

public sealed class ThroughputBoundTests
{
    [Fact]
    public void Seconds_RateBound_RequestsBeyondTheBurstOverTheRate()
    {
        var limits = new ProviderLimits(RequestsPerJob: 2, Burst: 20, RequestsPerSecond: 20, Concurrency: 120, Latency: TimeSpan.FromSeconds(6));

        // max((2000 - 20) / 20 = 99, ceil(1000 / 120) x 6 = 54, (1000 - 20) / 20 + 6 = 55)
        ThroughputBound.Seconds(1000, limits).ShouldBe(99, tolerance: 1e-9);
    }

    [Fact]
    public void Seconds_ConcurrencyBound_WavesOfTasksInFlightTimesLatency()
    {
        var limits = new ProviderLimits(2, 10, 10, Concurrency: 30, Latency: TimeSpan.FromSeconds(15));

        // max((800 - 10) / 10 = 79, ceil(400 / 30) x 15 = 210, 39 + 15 = 54)
        ThroughputBound.Seconds(400, limits).ShouldBe(210, tolerance: 1e-9);
    }

    [Fact]
    public void Seconds_SubmitsThenOneLatency_WhenPollsAreCheap()
    {
        var limits = new ProviderLimits(RequestsPerJob: 1, Burst: 1, RequestsPerSecond: 1, Concurrency: 1000, Latency: TimeSpan.FromSeconds(50));

        // max((100 - 1) / 1 = 99, 1 x 50, 99 + 50 = 149): the last submit still waits one latency.
        ThroughputBound.Seconds(100, limits).ShouldBe(149, tolerance: 1e-9);
    }

    [Fact]
    public void Seconds_BurstCoversEveryRequest_OneLatency()
    {
        var limits = new ProviderLimits(2, Burst: 1000, RequestsPerSecond: 1, Concurrency: 100, Latency: TimeSpan.FromSeconds(6));

        ThroughputBound.Seconds(10, limits).ShouldBe(6, tolerance: 1e-9);
        ThroughputBound.Seconds(0, limits).ShouldBe(0);
    }

    [Theory]
    [InlineData("magnific", "async", 2)]
    [InlineData("aimlapi", "async", 2)]
    [InlineData("segmind", "async", 3)]
    [InlineData("segmind", "sync", 1)]
    public void MinimumRequestsPerJob_PerProviderAndMode(string provider, string mode, int expected)
    {
        var settings = ProviderCatalog.CreateDefaults()[provider];
        settings.Mode = mode;

        ThroughputBound.MinimumRequestsPerJob(settings).ShouldBe(expected);
    }

    [Fact]
    public void LimitsOf_BurstIsOneSecondOfRequests()
    {
        var settings = ProviderCatalog.CreateDefaults()["magnific"];
        settings.RateLimit = new RateLimitSpec(50, TimeSpan.FromMinutes(1));

        ThroughputBound.LimitsOf(settings).Burst.ShouldBe(1);
        ThroughputBound.Burst(new RateLimitSpec(25, TimeSpan.FromSeconds(1))).ShouldBe(25);
    }
}
