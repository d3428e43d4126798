using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class ProviderThrottleTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ProviderThrottle _sut;

    public ProviderThrottleTests() => _sut = new ProviderThrottle(new RateLimitSpec(10, TimeSpan.FromSeconds(1)), _clock);

    [Fact]
    public void CurrentRatePerSecond_New_IsTheConfiguredRate() => _sut.CurrentRatePerSecond.ShouldBe(10, 1e-9);

    [Fact]
    public async Task OnThrottled_NineInABurst_ExactlyOneDecrease()
    {
        var permits = new List<ThrottlePermit>();
        for (var i = 0; i < 9; i++)
        {
            permits.Add(await Permit());
        }

        foreach (var permit in permits)
        {
            _sut.OnThrottled(permit, TimeSpan.FromMilliseconds(100));
        }

        _sut.ThrottledCount.ShouldBe(9);
        _sut.CongestionEvents.ShouldBe(1);
        _sut.CurrentRatePerSecond.ShouldBe(10 * ProviderThrottle.DecreaseFactor, 1e-9);
    }

    [Fact]
    public async Task OnThrottled_RequestSentAfterTheDecrease_IsANewEvent()
    {
        _sut.OnThrottled(await Permit(), TimeSpan.FromMilliseconds(100));
        _clock.Advance(TimeSpan.FromSeconds(1));

        _sut.OnThrottled(await Permit(), TimeSpan.FromMilliseconds(100));

        _sut.CongestionEvents.ShouldBe(2);
        _sut.CurrentRatePerSecond.ShouldBe(10 * ProviderThrottle.DecreaseFactor * ProviderThrottle.DecreaseFactor, 1e-9);
    }

    [Fact]
    public async Task OnThrottled_ManyEvents_NeverBelowTheFloor()
    {
        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            _sut.OnThrottled(await Permit(), TimeSpan.Zero);
        }

        _sut.CurrentRatePerSecond.ShouldBe(10 * ProviderThrottle.MinimumFraction, 1e-9);
    }

    [Fact]
    public async Task OnSuccess_AfterADecrease_RecoversToTheConfiguredRateAndNeverAbove()
    {
        _sut.OnThrottled(await Permit(), TimeSpan.Zero);
        var rates = new List<double>();

        // Successes at the rate of the moment, for a simulated minute.
        for (var i = 0; i < 2000 && _clock.GetUtcNow() < new DateTimeOffset(2026, 1, 5, 9, 1, 0, TimeSpan.Zero); i++)
        {
            await Permit();
            _sut.OnSuccess();
            rates.Add(_sut.CurrentRatePerSecond);
        }

        rates.ShouldAllBe(r => r <= 10 + 1e-9);
        rates[^1].ShouldBe(10, 1e-9);
        // Additive: the first second of successes regains about RecoveryPerSecond of the configured rate, not all of it.
        rates[6].ShouldBeLessThan(7 + (10 * ProviderThrottle.RecoveryPerSecond * 1.5));
    }

    [Fact]
    public async Task WaitAsync_AnySequence_NeverMoreThanTheBurstPlusTheRateInAnyWindow()
    {
        var random = new Random(11);
        var issued = new List<DateTimeOffset>();
        for (var i = 0; i < 300; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 120)));
            await Permit();
            issued.Add(_clock.GetUtcNow());
            if (random.Next(10) == 0)
            {
                _sut.OnSuccess();
            }
        }

        // Token bucket of 10/s holding 10: no window may see more than 10 + 10 * length.
        for (var a = 0; a < issued.Count; a++)
        {
            for (var b = a; b < issued.Count; b++)
            {
                var length = (issued[b] - issued[a]).TotalSeconds;
                (b - a + 1).ShouldBeLessThanOrEqualTo((int)Math.Floor(10 + (10 * length)) + 0, $"permits {a}..{b} within {length:F3} s");
            }
        }
    }

    [Fact]
    public void WaitAsync_Idle_ReturnsAtOnceUpToTheBurstLessItsReserve()
    {
        var immediate = 0;
        while (_sut.WaitAsync(CancellationToken.None) is { IsCompletedSuccessfully: true })
        {
            immediate++;
        }

        immediate.ShouldBe(7); // one second's worth less what 0.25 s of the rate amounts to (3 of 10)
    }

    [Fact]
    public async Task WaitAsync_AfterRetryAfter_WaitsUntilThePauseHasPassed()
    {
        _sut.OnThrottled(await Permit(), TimeSpan.FromSeconds(5));

        var wait = _sut.WaitAsync(CancellationToken.None);
        wait.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        wait.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(0.2));

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        wait.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task WaitAsync_RateDropsWhileRequestsWait_WaitersFollowTheNewRate()
    {
        // Empty the bucket, queue three waiters at 10/s (one every 100 ms), then a 429 lowers the rate to 7/s.
        Task<ThrottlePermit> first;
        while ((first = _sut.WaitAsync(CancellationToken.None)).IsCompletedSuccessfully)
        {
        }

        var waiting = new List<Task<ThrottlePermit>> { first, _sut.WaitAsync(CancellationToken.None), _sut.WaitAsync(CancellationToken.None) };
        var before = _sut.PermitsIssued;
        _sut.OnThrottled(new ThrottlePermit(_clock.GetTimestamp()), TimeSpan.Zero);

        // At the old rate all three would have left within 300 ms; at 7/s (after the bucket's pause) they have not.
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        waiting.Count(w => w.IsCompleted).ShouldBeLessThan(3);
        for (var i = 0; i < 100 && waiting.Any(w => !w.IsCompleted); i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));
        (_sut.PermitsIssued - before).ShouldBe(3);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_ThrowsAndLeavesNoPermitBehind()
    {
        _sut.OnThrottled(await Permit(), TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();
        var before = _sut.PermitsIssued;

        var wait = _sut.WaitAsync(cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<TaskCanceledException>(() => wait);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _sut.PermitsIssued.ShouldBe(before);
    }

    public void Dispose() => _sut.Dispose();

    /// <summary>Takes one permit, advancing the fake clock in small steps until the throttle gives it.</summary>
    private async Task<ThrottlePermit> Permit()
    {
        var wait = _sut.WaitAsync(CancellationToken.None);
        for (var i = 0; i < 100_000 && !wait.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        return await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
