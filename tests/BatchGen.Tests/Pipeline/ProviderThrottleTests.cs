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
        while (_sut.WaitAsync(RequestKind.Poll, CancellationToken.None) is { IsCompletedSuccessfully: true })
        {
            immediate++;
        }

        immediate.ShouldBe(7); // one second's worth less what 0.25 s of the rate amounts to (3 of 10)
    }

    [Fact]
    public async Task WaitAsync_AfterRetryAfter_WaitsUntilThePauseHasPassed()
    {
        _sut.OnThrottled(await Permit(), TimeSpan.FromSeconds(5));

        var wait = _sut.WaitAsync(RequestKind.Poll, CancellationToken.None);
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
        while ((first = _sut.WaitAsync(RequestKind.Poll, CancellationToken.None)).IsCompletedSuccessfully)
        {
        }

        var waiting = new List<Task<ThrottlePermit>> { first, _sut.WaitAsync(RequestKind.Poll, CancellationToken.None), _sut.WaitAsync(RequestKind.Poll, CancellationToken.None) };
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

        var wait = _sut.WaitAsync(RequestKind.Poll, cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<TaskCanceledException>(() => wait);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _sut.PermitsIssued.ShouldBe(before);
    }

    [Fact]
    public void WaitAsync_SubmitsResultsAndPollsWaiting_SubmitsLeaveFirstThenResultsThenPolls()
    {
        EmptyTheBucket(answered: true);
        var waiting = new List<(string Name, Task<ThrottlePermit> Wait)>
        {
            ("poll 1", _sut.WaitAsync(RequestKind.Poll, CancellationToken.None)),
            ("result 1", _sut.WaitAsync(RequestKind.Result, CancellationToken.None)),
            ("submit 1", _sut.WaitAsync(RequestKind.Submit, CancellationToken.None)),
            ("poll 2", _sut.WaitAsync(RequestKind.Poll, CancellationToken.None)),
            ("submit 2", _sut.WaitAsync(RequestKind.Submit, CancellationToken.None)),
        };

        ReleaseOrder(waiting).ShouldBe(["submit 1", "submit 2", "result 1", "poll 1", "poll 2"]);
    }

    [Fact]
    public void WaitAsync_PollWaitedPastThePromotion_GoesAheadOfLaterSubmits()
    {
        using var throttle = new ProviderThrottle(new RateLimitSpec(10, TimeSpan.FromSeconds(1)), _clock, pollPromotion: TimeSpan.FromSeconds(1));
        var burst = 0;
        while (throttle.WaitAsync(RequestKind.Submit, CancellationToken.None).IsCompletedSuccessfully)
        {
            burst++;
        }

        for (var i = 0; i < burst; i++)
        {
            throttle.OnAnswered();
        }

        // A poll queued behind a steady stream of submits (more than the rate can serve in the promotion time).
        var waiting = new List<(string Name, Task<ThrottlePermit> Wait)> { ("poll", throttle.WaitAsync(RequestKind.Poll, CancellationToken.None)) };
        waiting.AddRange(Enumerable.Range(1, 30).Select(i => ($"submit {i}", throttle.WaitAsync(RequestKind.Submit, CancellationToken.None))));

        var order = ReleaseOrder(waiting);

        // One permit per 100 ms (the first one after the emptied bucket's interval): the poll leaves once it has waited
        // 1 s, after about ten submits, not after all thirty.
        var position = order.IndexOf("poll");
        position.ShouldBeInRange(8, 11);
        order.Take(position).ShouldAllBe(n => n.StartsWith("submit", StringComparison.Ordinal));
        order.Count.ShouldBe(31);
        throttle.PollPromotion.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task WaitAsync_CancelledPollBehindSubmits_LeavesTheOthersInOrder()
    {
        EmptyTheBucket(answered: true);
        using var cts = new CancellationTokenSource();
        var cancelled = _sut.WaitAsync(RequestKind.Poll, cts.Token);
        var waiting = new List<(string Name, Task<ThrottlePermit> Wait)>
        {
            ("poll", _sut.WaitAsync(RequestKind.Poll, CancellationToken.None)),
            ("submit", _sut.WaitAsync(RequestKind.Submit, CancellationToken.None)),
        };
        await cts.CancelAsync();
        var before = _sut.PermitsIssued;

        ReleaseOrder(waiting).ShouldBe(["submit", "poll"]);
        await Should.ThrowAsync<TaskCanceledException>(() => cancelled);
        (_sut.PermitsIssued - before).ShouldBe(2);
    }

    [Fact]
    public void WaitAsync_BurstLeftAndNotAllAnswered_NextWaitsForTheBurstsAnswersThenOneInterval()
    {
        EmptyTheBucket();
        var next = _sut.WaitAsync(RequestKind.Submit, CancellationToken.None);

        // Paced, it would leave 100 ms after the burst; the provider has answered 6 of its 7 requests, so it waits.
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 6; i++)
        {
            _sut.OnSuccess();
        }

        _clock.Advance(TimeSpan.FromMilliseconds(200));
        next.IsCompleted.ShouldBeFalse();
        _sut.OnAnswered();
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        next.IsCompleted.ShouldBeFalse();

        // Counted from the last answer: the 7 requests of the burst as if all had just arrived (tat = now + 0.7 s), so
        // the next one may leave one interval after it, not in a catch-up burst.
        _clock.Advance(TimeSpan.FromMilliseconds(60));
        next.IsCompletedSuccessfully.ShouldBeTrue();
        var after = _sut.WaitAsync(RequestKind.Submit, CancellationToken.None);
        after.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        after.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_NoAnswerWithinTheFirstAnswerWait_PacedAfterIt()
    {
        EmptyTheBucket();
        var next = _sut.WaitAsync(RequestKind.Poll, CancellationToken.None);

        _clock.Advance(ProviderThrottle.DefaultFirstAnswerWait - TimeSpan.FromMilliseconds(10));
        next.IsCompleted.ShouldBeFalse();

        // Then counted as if the burst had arrived at the end of the wait: one interval later, and no catch-up burst
        // for the second waited (one per 100 ms).
        for (var step = 0; step < 24; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        next.IsCompletedSuccessfully.ShouldBeTrue();
        var waiting = Enumerable.Range(0, 5).Select(_ => _sut.WaitAsync(RequestKind.Poll, CancellationToken.None)).ToList();
        waiting.Count(w => w.IsCompleted).ShouldBe(0);
        for (var step = 0; step < 50; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        waiting.Count(w => w.IsCompleted).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void WaitAsync_AnswerBeforeTheBurstIsUsed_TheRestOfTheBurstStillLeavesAtOnce()
    {
        (_sut.WaitAsync(RequestKind.Submit, CancellationToken.None)).IsCompletedSuccessfully.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromMilliseconds(30));
        _sut.OnAnswered();

        var immediate = 0;
        using var cts = new CancellationTokenSource();
        while (immediate < 100 && _sut.WaitAsync(RequestKind.Submit, cts.Token) is { IsCompletedSuccessfully: true })
        {
            immediate++;
        }

        cts.Cancel();
        immediate.ShouldBe(6);
    }

    [Fact]
    public void WaitAsync_NoStartupHold_BurstThenPacedWithoutAnswers()
    {
        using var throttle = new ProviderThrottle(new RateLimitSpec(10, TimeSpan.FromSeconds(1)), _clock, firstAnswerWait: TimeSpan.Zero);
        while (throttle.WaitAsync(RequestKind.Submit, CancellationToken.None).IsCompletedSuccessfully)
        {
        }

        // The waiter left behind by the loop leaves one interval later, though nothing was answered.
        var next = throttle.WaitAsync(RequestKind.Submit, CancellationToken.None);
        for (var step = 0; step < 44 && !next.IsCompleted; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        next.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_HighRate_PermitsDueWithinTheReleaseStepLeaveTogetherAndTheRateHolds()
    {
        using var throttle = new ProviderThrottle(new RateLimitSpec(1000, TimeSpan.FromSeconds(1)), _clock, firstAnswerWait: TimeSpan.Zero);
        while (throttle.WaitAsync(RequestKind.Submit, CancellationToken.None).IsCompletedSuccessfully)
        {
        }

        // The bucket is empty: 200 requests wait, one permit is due every millisecond.
        var waiting = Enumerable.Range(0, 200).Select(_ => throttle.WaitAsync(RequestKind.Submit, CancellationToken.None)).ToList();
        var issuedAfterEachMillisecond = new List<int>();
        for (var ms = 0; ms < 100; ms++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            issuedAfterEachMillisecond.Add(waiting.Count(t => t.IsCompletedSuccessfully));
        }

        // Releases happen at most once per step, several permits at a time...
        var releases = issuedAfterEachMillisecond.Zip(issuedAfterEachMillisecond.Skip(1), (a, b) => b > a).Count(grew => grew);
        releases.ShouldBeLessThanOrEqualTo(100 / (int)ProviderThrottle.ReleaseStep.TotalMilliseconds + 1);
        // ...and never more than the rate allows: at most one permit per millisecond since the bucket emptied.
        for (var ms = 0; ms < issuedAfterEachMillisecond.Count; ms++)
        {
            issuedAfterEachMillisecond[ms].ShouldBeLessThanOrEqualTo(ms + 2, $"after {ms + 1} ms");
        }

        issuedAfterEachMillisecond[^1].ShouldBeGreaterThanOrEqualTo(100 - (int)ProviderThrottle.ReleaseStep.TotalMilliseconds - 1);
    }

    public void Dispose() => _sut.Dispose();

    /// <summary>
    /// Takes every permit the idle bucket gives at once (the next request must wait; that one is withdrawn). With
    /// <paramref name="answered"/>, the provider has answered one of them (see <see cref="ProviderThrottle.DefaultFirstAnswerWait"/>).
    /// </summary>
    private void EmptyTheBucket(bool answered = false)
    {
        using var cts = new CancellationTokenSource();
        var taken = 0;
        while (taken < 100 && _sut.WaitAsync(RequestKind.Submit, cts.Token).IsCompletedSuccessfully)
        {
            taken++;
        }

        cts.Cancel();
        for (var i = 0; answered && i < taken; i++)
        {
            // Every request of the burst answered: the start-up hold is over.
            _sut.OnAnswered();
        }
    }

    /// <summary>Advances the fake clock in 5 ms steps and lists the waiters in the order they were given their permits.</summary>
    private List<string> ReleaseOrder(List<(string Name, Task<ThrottlePermit> Wait)> waiting)
    {
        var order = new List<string>();
        for (var i = 0; i < 10_000 && order.Count < waiting.Count; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
            order.AddRange(waiting.Where(w => w.Wait.IsCompleted && !order.Contains(w.Name)).Select(w => w.Name));
        }

        return order;
    }

    /// <summary>Takes one permit, advancing the fake clock in small steps until the throttle gives it.</summary>
    private async Task<ThrottlePermit> Permit()
    {
        var wait = _sut.WaitAsync(RequestKind.Poll, CancellationToken.None);
        for (var i = 0; i < 100_000 && !wait.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        return await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
