using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class PollScheduleTests
{
    private readonly ProviderSettings _settings = new()
    {
        Name = ProviderNames.GmiCloud,
        BaseUrl = new Uri("http://127.0.0.1/"),
        ApiKeyEnv = "GMICLOUD_API_KEY",
        NominalLatency = TimeSpan.FromSeconds(60),
        PollInterval = TimeSpan.FromSeconds(5),
        MaxPollInterval = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void FirstDelay_ExpectedLatencyGiven_WithinTenPercentOfIt()
    {
        var sut = new PollSchedule(_settings, TimeSpan.FromSeconds(20), reattached: false);

        sut.FirstDelay.ShouldBeInRange(TimeSpan.FromSeconds(18), TimeSpan.FromSeconds(22));
    }

    [Fact]
    public void FirstDelay_NothingExpected_NearTheNominalLatency()
    {
        var sut = new PollSchedule(_settings, null, reattached: false);

        sut.FirstDelay.ShouldBeInRange(TimeSpan.FromSeconds(54), TimeSpan.FromSeconds(66));
    }

    [Fact]
    public void FirstDelay_Reattached_PollsAtOnce()
    {
        var sut = new PollSchedule(_settings, TimeSpan.FromSeconds(20), reattached: true);

        sut.FirstDelay.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Next_Repeatedly_StartsAtThePollIntervalGrowsAndIsCappedAtTheMaximum()
    {
        var sut = new PollSchedule(_settings, null, reattached: false);

        var delays = Enumerable.Range(0, 20).Select(_ => sut.Next()).ToList();

        delays[0].ShouldBeInRange(TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5));
        delays[2].ShouldBeGreaterThan(TimeSpan.FromSeconds(9)); // 5 x 1.5 x 1.5 = 11.25 s, minus jitter
        delays.ShouldAllBe(d => d <= TimeSpan.FromSeconds(33));
        delays[^1].ShouldBeInRange(TimeSpan.FromSeconds(27), TimeSpan.FromSeconds(33));
    }
}
