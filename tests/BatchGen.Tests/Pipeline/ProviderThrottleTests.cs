using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class ProviderThrottleTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ProviderThrottle _sut;

    public ProviderThrottleTests() => _sut = new ProviderThrottle(new RateLimitSpec(10, TimeSpan.FromSeconds(1)), _clock);

    [Fact]
    public void CurrentRatePerSecond_New_IsTheCeiling() => _sut.CurrentRatePerSecond.ShouldBe(10, 1e-9);

    [Fact]
    public void OnThrottled_Twice_HalvesTheRateEachTimeAndCounts()
    {
        _sut.OnThrottled(null);
        _sut.CurrentRatePerSecond.ShouldBe(5, 1e-9);
        _sut.OnThrottled(null);

        _sut.CurrentRatePerSecond.ShouldBe(2.5, 1e-9);
        _sut.ThrottledCount.ShouldBe(2);
    }

    [Fact]
    public void OnThrottled_ManyTimes_NeverBelowTheFloor()
    {
        for (var i = 0; i < 50; i++)
        {
            _sut.OnThrottled(TimeSpan.Zero);
        }

        _sut.CurrentRatePerSecond.ShouldBeGreaterThan(0);
        _sut.CurrentRatePerSecond.ShouldBe(0.5, 1e-9); // 5 % of the ceiling
    }

    [Fact]
    public void OnSuccess_AfterThrottle_CreepsUpByASmallStep()
    {
        _sut.OnThrottled(null);

        _sut.OnSuccess();

        _sut.CurrentRatePerSecond.ShouldBe(5.2, 1e-9); // + 2 % of the ceiling
    }

    [Fact]
    public void OnSuccess_ManyTimes_NeverAboveTheCeiling()
    {
        _sut.OnThrottled(null);
        _sut.OnThrottled(null);

        for (var i = 0; i < 1000; i++)
        {
            _sut.OnSuccess();
        }

        _sut.CurrentRatePerSecond.ShouldBe(10, 1e-9);
    }

    [Fact]
    public void WaitAsync_NothingThrottled_ReturnsAtOnce()
    {
        var wait = _sut.WaitAsync(CancellationToken.None);

        wait.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task WaitAsync_AfterRetryAfter_WaitsUntilThePauseHasPassed()
    {
        _sut.OnThrottled(TimeSpan.FromSeconds(5));

        var wait = _sut.WaitAsync(CancellationToken.None);
        wait.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        wait.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(0.2));

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        wait.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task WaitAsync_SecondRequestAfterThrottle_SpacedByTheHalvedRate()
    {
        _sut.OnThrottled(TimeSpan.Zero); // 5/s: one request every 200 ms
        _sut.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();

        var second = _sut.WaitAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(150));
        second.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(60));

        await second.WaitAsync(TimeSpan.FromSeconds(30));
        second.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        _sut.OnThrottled(TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();

        var wait = _sut.WaitAsync(cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<TaskCanceledException>(() => wait);
    }

    public void Dispose() => _sut.Dispose();
}
