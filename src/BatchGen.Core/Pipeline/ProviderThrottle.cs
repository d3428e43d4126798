using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// One provider's request gate, shared by submits, polls and every other request: one permit per HTTP request.
/// <para>
/// Pacing is a virtual token bucket (GCRA: a theoretical arrival time advanced by one emission interval per permit)
/// on the injected <see cref="TimeProvider"/>: up to a burst at once, then the current rate. Waiters are released by
/// one timer when the bucket allows, at the rate of that moment: nothing is booked ahead, so a rate change applies at
/// once to every request still waiting.
/// </para>
/// <para>
/// Order (<see cref="RequestKind"/>): submits first, then result fetches, then status polls, each kind in arrival
/// order; a poll or fetch that has waited <see cref="PollPromotion"/> goes ahead of the submits. Serving submits first
/// fills the cap on tasks in flight while the rate binds, so the tasks left when the last job is submitted have
/// finished early enough to be polled at the full rate (in arrival order the last L seconds carried polls only as
/// fast as the last tasks had been submitted, half the rate at two requests a job); the promotion bounds how late a
/// poll can be (a failing provider is still noticed within about a latency) and when the cap binds a poll is served
/// within it anyway, since no worker can submit before a poll frees its slot. A sender whose requests conform to the provider's own
/// bucket stays conformant when every request meets the same delay; a reserve of the burst absorbs requests that
/// leave in another order than their permits or meet uneven delays (see <see cref="ArrivalSkewSeconds"/>).
/// </para>
/// <para>
/// The rate adapts (AIMD): a 429 on a request sent after the last decrease is a new congestion event and multiplies
/// the rate by <see cref="DecreaseFactor"/>; 429s on requests that were already on their way (sent before that
/// decrease, the same burst) count as the same event. Each success adds back a step such that, with requests flowing,
/// the rate regains <see cref="RecoveryPerSecond"/> of the configured rate per second, never above it. A 429's
/// Retry-After empties the virtual bucket until it has passed.
/// </para>
/// </summary>
internal sealed class ProviderThrottle : IDisposable
{
    /// <summary>Multiplicative decrease per congestion event.</summary>
    public const double DecreaseFactor = 0.7;

    /// <summary>Fraction of the configured rate regained per second of successful traffic.</summary>
    public const double RecoveryPerSecond = 0.05;

    /// <summary>The rate never goes below this fraction of the configured rate.</summary>
    public const double MinimumFraction = 0.05;

    /// <summary>
    /// How much closer together requests may arrive than they left. A receiver that is slower to take the first
    /// requests of a run (new connections, a cold server) than the next ones sees the start-up burst and the requests
    /// paced after it bunched: at 20 requests/s the simulator saw 21 requests within 45 ms that left 18 at once and then
    /// one per 50 ms, and answered the last one 429 (and the ×0.7 decrease that followed slowed the next seconds). The
    /// bucket's reserve covers this skew at the configured rate.
    /// </summary>
    public const double ArrivalSkewSeconds = 0.25;

    /// <summary>
    /// The provider's bucket starts with its first arrival, and the start-up burst may reach it well after it left and
    /// bunched with the requests paced after it (new connections on a busy machine: 429s in the start-up second were
    /// seen at load averages of 14-24, and the ×0.7 that followed cost several seconds). So once the burst has left,
    /// nothing more leaves until the provider has answered as many requests as the burst holds (then every one of them
    /// has arrived), and the bucket is counted as if they had all arrived at that moment; a provider that does not
    /// answer within this time is paced as usual, counted from its end (a synchronous provider, whose submit holds its
    /// request for the whole generation, has no hold). At a load average of 35 the cold simulator answered the first
    /// requests after about a second.
    /// </summary>
    public static readonly TimeSpan DefaultFirstAnswerWait = TimeSpan.FromSeconds(3);

    /// <summary>The poll promotion when none is given.</summary>
    public static readonly TimeSpan DefaultPollPromotion = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The shortest wait the release timer is armed for. At a high rate (1,000 requests/s) the next permit is due
    /// within a millisecond, and a timer per permit wakes a thread per request; waiting at least this long releases the
    /// permits that came due meanwhile together (five at 1,000/s), which the bucket allows (it is a burst far smaller
    /// than the reserve, see <see cref="ArrivalSkewSeconds"/>). Rates below 200/s space permits further apart than
    /// this, so their timing does not change.
    /// </summary>
    public static readonly TimeSpan ReleaseStep = TimeSpan.FromMilliseconds(5);

    private readonly TimeProvider _time;
    private readonly double _ceilingPerSecond;
    private readonly double _burst;
    private readonly ITimer _timer;
    private readonly TimeSpan _pollPromotion;
    private readonly TimeSpan _firstAnswerWait;
    /// <summary>Waiters by kind (indexed by <see cref="RequestKind"/>), each in arrival order.</summary>
    private readonly LinkedList<Waiter>[] _queues = [new(), new(), new()];
    private int _waiting;
    private readonly Lock _gate = new();
    private double _ratePerSecond;
    private long _tat;
    private long _lastDecrease = long.MinValue;
    private long _armedFor = long.MaxValue;
    private long _permits;
    private long? _firstPermitAt;
    private bool _answered;
    private long _answers;
    private int _throttled;
    private int _congestionEvents;

    /// <param name="pollPromotion">How long a poll or result fetch may wait behind submits (the provider's nominal latency).</param>
    /// <param name="firstAnswerWait">The longest start-up hold (see <see cref="DefaultFirstAnswerWait"/>); zero: none.</param>
    public ProviderThrottle(RateLimitSpec limit, TimeProvider timeProvider, TimeSpan? pollPromotion = null, TimeSpan? firstAnswerWait = null)
    {
        _firstAnswerWait = firstAnswerWait ?? DefaultFirstAnswerWait;
        _answered = _firstAnswerWait <= TimeSpan.Zero;
        _time = timeProvider;
        _pollPromotion = pollPromotion is { } promotion && promotion > TimeSpan.Zero ? promotion : DefaultPollPromotion;
        _ceilingPerSecond = limit.PerSecond;
        _ratePerSecond = _ceilingPerSecond;
        // The provider's burst is assumed to be one second's worth (at least one). Kept in reserve: 10% of it, and at
        // least what ArrivalSkewSeconds of the rate amounts to (see there).
        var providerBurst = Math.Max(1, Math.Ceiling(_ceilingPerSecond));
        var reserve = Math.Max(Math.Ceiling(providerBurst * 0.1), Math.Ceiling(_ceilingPerSecond * ArrivalSkewSeconds));
        _burst = Math.Max(1, providerBurst - reserve);
        _tat = _time.GetTimestamp();
        _timer = _time.CreateTimer(static s => ((ProviderThrottle)s!).Release(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Requests per second the throttle allows now (for the live view and the poll planner).</summary>
    public double CurrentRatePerSecond
    {
        get
        {
            lock (_gate)
            {
                return _ratePerSecond;
            }
        }
    }

    /// <summary>The configured rate, the ceiling of <see cref="CurrentRatePerSecond"/>.</summary>
    public double ConfiguredRatePerSecond => _ceilingPerSecond;

    /// <summary>How long a poll or result fetch may wait behind submits before it goes ahead of them.</summary>
    public TimeSpan PollPromotion => _pollPromotion;

    /// <summary>Number of 429 replies seen.</summary>
    public int ThrottledCount => Volatile.Read(ref _throttled);

    /// <summary>Number of congestion events (rate decreases): a burst of 429s counts once.</summary>
    public int CongestionEvents => Volatile.Read(ref _congestionEvents);

    /// <summary>Permits handed out: one per HTTP request sent.</summary>
    public long PermitsIssued => Interlocked.Read(ref _permits);

    /// <summary>Waits until one request may be sent; the permit says when it was given (to tell congestion events apart).</summary>
    public Task<ThrottlePermit> WaitAsync(RequestKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_waiting == 0 && Conforms(now))
            {
                return Task.FromResult(Take(now));
            }

            var waiter = new Waiter { Since = now };
            waiter.Node = _queues[(int)kind].AddLast(waiter);
            _waiting++;
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.UnsafeRegister(static (s, ct) => ((Waiter)s!).Owner!.Cancel((Waiter)s!, ct), waiter);
            }

            waiter.Owner = this;
            ArmLocked(now);
            return waiter.Completion.Task;
        }
    }

    /// <summary>A request went through: regain a step of the rate, up to the configured rate.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            AnsweredLocked();
            if (_ratePerSecond >= _ceilingPerSecond)
            {
                return;
            }

            // One success per 1/rate seconds at full use: RecoveryPerSecond of the ceiling per second.
            var step = _ceilingPerSecond * RecoveryPerSecond / _ratePerSecond;
            _ratePerSecond = Math.Min(_ceilingPerSecond, _ratePerSecond + step);
            ArmLocked(_time.GetTimestamp());
        }
    }

    /// <summary>
    /// The provider said 429 to the request sent under <paramref name="permit"/>: a new congestion event (one
    /// decrease) unless that request left before the last decrease; in every case no request leaves before
    /// <paramref name="retryAfter"/> has passed (or one interval at the new rate).
    /// </summary>
    public void OnThrottled(ThrottlePermit permit, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _throttled++;
            AnsweredLocked();
            var now = _time.GetTimestamp();
            if (permit.IssuedAt > _lastDecrease)
            {
                _congestionEvents++;
                _lastDecrease = now;
                _ratePerSecond = Math.Max(_ceilingPerSecond * MinimumFraction, _ratePerSecond * DecreaseFactor);
            }

            // The provider's bucket is empty until the pause ends: no burst credit before then.
            var pause = retryAfter is { } after && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1 / _ratePerSecond);
            var emptyUntil = now + ToTicks(pause.TotalSeconds);
            _tat = Math.Max(_tat, emptyUntil + ToTicks((_burst - 1) / _ratePerSecond));
            ArmLocked(now);
        }
    }

    /// <summary>The provider answered a request (any HTTP status; successes and 429s count by themselves): see <see cref="DefaultFirstAnswerWait"/>.</summary>
    public void OnAnswered()
    {
        lock (_gate)
        {
            AnsweredLocked();
        }
    }

    public void Dispose()
    {
        List<Waiter> left;
        lock (_gate)
        {
            left = [.. _queues.SelectMany(q => q)];
            foreach (var queue in _queues)
            {
                queue.Clear();
            }

            _waiting = 0;
        }

        _timer.Dispose();
        foreach (var waiter in left)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetCanceled();
        }
    }

    /// <summary>GCRA: a request at <paramref name="now"/> conforms when the theoretical arrival time is within the burst tolerance.</summary>
    private bool Conforms(long now) => now >= EarliestLocked();

    private long EarliestLocked()
    {
        var earliest = _tat - ToTicks((_burst - 1) / _ratePerSecond);
        // The burst has left and its answers have not all come back: wait for them (at most FirstAnswerWait).
        return !_answered && _permits >= _burst && _firstPermitAt is { } first
            ? Math.Max(earliest, first + ToTicks(_firstAnswerWait.TotalSeconds))
            : earliest;
    }

    /// <summary>
    /// One more answer; once the burst's worth have come back, the provider's bucket is counted from now, as if every
    /// request so far had just arrived (see <see cref="DefaultFirstAnswerWait"/>).
    /// </summary>
    private void AnsweredLocked()
    {
        if (_answered || ++_answers < _burst || _permits < _burst)
        {
            return;
        }

        EndStartupHoldLocked(_time.GetTimestamp());
        ArmLocked(_time.GetTimestamp());
    }

    /// <summary>The start-up hold ends (answers back, or the longest hold passed): no catch-up burst after it.</summary>
    private void EndStartupHoldLocked(long now)
    {
        _answered = true;
        _tat = Math.Max(_tat, now + ToTicks(_permits / _ratePerSecond));
    }

    private ThrottlePermit Take(long now)
    {
        _firstPermitAt ??= now;
        _tat = Math.Max(_tat, now) + ToTicks(1 / _ratePerSecond);
        Interlocked.Increment(ref _permits);
        return new ThrottlePermit(now);
    }

    /// <summary>Timer callback: releases every waiter the bucket allows now, in order, then re-arms for the next.</summary>
    private void Release()
    {
        var released = new List<(Waiter Waiter, ThrottlePermit Permit)>();
        lock (_gate)
        {
            _armedFor = long.MaxValue;
            var now = _time.GetTimestamp();
            if (!_answered && _permits >= _burst && _firstPermitAt is { } first && now >= first + ToTicks(_firstAnswerWait.TotalSeconds))
            {
                // No answers in time: paced from now, as if the burst had just arrived.
                EndStartupHoldLocked(now);
            }
            while (_waiting > 0 && Conforms(now))
            {
                var next = NextLocked(now);
                next.List!.Remove(next);
                _waiting--;
                next.Value.Node = null;
                released.Add((next.Value, Take(now)));
            }

            ArmLocked(now);
        }

        foreach (var (waiter, permit) in released)
        {
            waiter.Registration.Dispose();
            if (!waiter.Completion.TrySetResult(permit))
            {
                // Cancelled at the same moment: the permit goes unused (the bucket only gets stricter).
                continue;
            }
        }
    }

    /// <summary>
    /// The waiter to serve next: a poll or result fetch that has waited <see cref="PollPromotion"/> (the longer waiting
    /// one), else the first submit, else the first result fetch, else the first poll.
    /// </summary>
    private LinkedListNode<Waiter> NextLocked(long now)
    {
        var promoteBefore = now - ToTicks(_pollPromotion.TotalSeconds);
        var results = _queues[(int)RequestKind.Result].First;
        var polls = _queues[(int)RequestKind.Poll].First;
        var overdue = (results, polls) switch
        {
            ({ } r, { } p) => r.Value.Since <= p.Value.Since ? r : p,
            ({ } r, null) => r,
            (null, var p) => p,
        };
        if (overdue is not null && overdue.Value.Since <= promoteBefore)
        {
            return overdue;
        }

        return _queues[(int)RequestKind.Submit].First ?? results ?? polls!;
    }

    /// <summary>Points the timer at the moment the first waiter conforms at the current rate (earlier or later than before).</summary>
    private void ArmLocked(long now)
    {
        if (_waiting == 0)
        {
            return;
        }

        var at = EarliestLocked();
        if (at == _armedFor)
        {
            return;
        }

        _armedFor = at;
        var due = at <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, at);
        _timer.Change(due > TimeSpan.Zero && due < ReleaseStep ? ReleaseStep : due, Timeout.InfiniteTimeSpan);
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node is { } node)
            {
                node.List!.Remove(node);
                _waiting--;
                waiter.Node = null;
            }
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    private long ToTicks(double seconds) => (long)(seconds * _time.TimestampFrequency);

    private sealed class Waiter
    {
        public TaskCompletionSource<ThrottlePermit> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        /// <summary>When it began to wait (a <see cref="TimeProvider"/> timestamp).</summary>
        public long Since { get; init; }

        public ProviderThrottle? Owner { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}

/// <summary>What a request is for: the order in which <see cref="ProviderThrottle"/> serves waiting requests.</summary>
internal enum RequestKind
{
    /// <summary>A submit (and the balance read before the first one): served first.</summary>
    Submit = 0,

    /// <summary>The result fetch of a task a status poll saw finished (Segmind): frees a task slot for sure.</summary>
    Result = 1,

    /// <summary>A status poll.</summary>
    Poll = 2,
}

/// <summary>One request's permission to leave, stamped with the <see cref="TimeProvider"/> timestamp it was given at.</summary>
internal readonly record struct ThrottlePermit(long IssuedAt);
