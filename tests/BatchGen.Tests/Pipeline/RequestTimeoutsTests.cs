using BatchGen.Core.Pipeline;

namespace BatchGen.Tests.Pipeline;

public sealed class RequestTimeoutsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Start_AttemptHangs_CancelledWithinOneResolutionAfterTheTimeout()
    {
        using var sut = new RequestTimeouts(Timeout, _clock);
        using var attempt = sut.Start(CancellationToken.None);

        _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        attempt.Token.IsCancellationRequested.ShouldBeFalse("not before the timeout");

        _clock.Advance(sut.Resolution + TimeSpan.FromMilliseconds(1));
        attempt.Token.IsCancellationRequested.ShouldBeTrue();
        attempt.TimedOut.ShouldBeTrue();
        sut.Active.ShouldBe(0);
    }

    [Fact]
    public void Start_AttemptEndedInTime_ItsReusedSourceIsNotCancelledForTheOldDeadline()
    {
        using var sut = new RequestTimeouts(Timeout, _clock);
        var first = sut.Start(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(20));
        first.Dispose();

        using var second = sut.Start(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(20));

        second.Token.IsCancellationRequested.ShouldBeFalse("the first attempt's deadline passed, the second's did not");
        second.TimedOut.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(11));
        second.TimedOut.ShouldBeTrue();
    }

    [Fact]
    public void Start_CallerCancels_TokenCancelledNotATimeout()
    {
        using var sut = new RequestTimeouts(Timeout, _clock);
        using var caller = new CancellationTokenSource();
        using var attempt = sut.Start(caller.Token);

        caller.Cancel();

        attempt.Token.IsCancellationRequested.ShouldBeTrue();
        attempt.TimedOut.ShouldBeFalse();
    }

    [Fact]
    public void Start_ManyAttemptsSomeHang_OnlyTheHangingOnesTimeOut()
    {
        using var sut = new RequestTimeouts(TimeSpan.FromMilliseconds(300), _clock);
        var attempts = Enumerable.Range(0, 50).Select(_ => sut.Start(CancellationToken.None)).ToList();
        for (var i = 0; i < attempts.Count; i += 2)
        {
            attempts[i].Dispose();
        }

        _clock.Advance(TimeSpan.FromMilliseconds(300) + sut.Resolution);

        for (var i = 0; i < attempts.Count; i++)
        {
            attempts[i].TimedOut.ShouldBe(i % 2 == 1, $"attempt {i}");
            attempts[i].Dispose();
        }

        sut.Active.ShouldBe(0);
    }

    [Fact]
    public async Task WithTimeout_RequestHangsOnARealClock_EndsAsATimeout()
    {
        using var sut = new RequestTimeouts(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        using var attempt = sut.Start(CancellationToken.None);

        var hang = Task.Delay(TimeSpan.FromMinutes(5), attempt.Token);

        // Bounded: the timeout (200 ms plus its 25 ms resolution) fires long before this gives up.
        var finished = await Task.WhenAny(hang, Task.Delay(TimeSpan.FromSeconds(60)));
        finished.ShouldBe(hang);
        await Should.ThrowAsync<OperationCanceledException>(() => hang);
        attempt.TimedOut.ShouldBeTrue();
    }

    [Fact]
    public void Start_AfterDispose_StillTimesOutOnItsOwnTimer()
    {
        var sut = new RequestTimeouts(Timeout, _clock);
        sut.Dispose();

        using var attempt = sut.Start(CancellationToken.None);
        _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        attempt.TimedOut.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        attempt.Token.IsCancellationRequested.ShouldBeTrue();
        attempt.TimedOut.ShouldBeTrue();
    }
}
