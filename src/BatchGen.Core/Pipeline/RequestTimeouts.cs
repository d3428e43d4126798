namespace BatchGen.Core.Pipeline;

/// <summary>
/// The per-attempt timeout of one client's requests without a timer per request: every attempt takes a cancellation
/// source from a pool and is entered in a set; one timer of the client's <see cref="TimeProvider"/>, running only
/// while attempts are in flight, ticks every <see cref="Resolution"/> and cancels the attempts past their deadline. A
/// timeout therefore fires between <see cref="Timeout"/> and <see cref="Timeout"/> + <see cref="Resolution"/> after the
/// attempt started (an eighth of the timeout, at most one second, later). A source whose attempt ended in time goes
/// back to the pool (<see cref="CancellationTokenSource.TryReset"/>); one that was cancelled is dropped.
/// <para>
/// Per request this replaces a timed <see cref="CancellationTokenSource"/> (a timer created and disposed under the
/// runtime's timer-queue lock, and at times a wake-up of the timer thread) and a linked source with one registration on
/// the caller's token.
/// </para>
/// </summary>
internal sealed class RequestTimeouts : IDisposable
{
    private const int PoolLimit = 1024;

    private readonly TimeProvider _time;
    private readonly HashSet<Attempt> _active = [];
    private readonly Stack<CancellationTokenSource> _pool = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private bool _ticking;
    private bool _disposed;

    public RequestTimeouts(TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
        Resolution = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 8, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));
        _time = timeProvider;
        _timer = timeProvider.CreateTimer(static state => ((RequestTimeouts)state!).Tick(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    public TimeSpan Resolution { get; }

    /// <summary>Attempts in flight (for tests).</summary>
    internal int Active
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>Starts an attempt: its token is cancelled at its deadline or when <paramref name="cancellationToken"/> is.</summary>
    public Attempt Start(CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(Timeout.TotalSeconds * _time.TimestampFrequency);
        Attempt attempt;
        bool start;
        lock (_gate)
        {
            if (_disposed)
            {
                // A straggler after the client was disposed: a timer of its own, still under the timeout.
                attempt = new Attempt(this, new CancellationTokenSource(Timeout, _time), deadline, ownTimer: true);
                start = false;
            }
            else
            {
                attempt = new Attempt(this, _pool.TryPop(out var pooled) ? pooled : new CancellationTokenSource(), deadline, ownTimer: false);
                _active.Add(attempt);
                start = !_ticking;
                _ticking = true;
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            attempt.Registration = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), attempt.Source);
        }

        if (start)
        {
            _timer.Change(Resolution, Resolution);
        }

        return attempt;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _ticking = false;
            while (_pool.TryPop(out var source))
            {
                source.Dispose();
            }
        }

        _timer.Dispose();
    }

    private void Tick()
    {
        List<Attempt>? expired = null;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var attempt in _active)
            {
                if (now >= attempt.Deadline)
                {
                    (expired ??= []).Add(attempt);
                }
            }

            if (expired is not null)
            {
                foreach (var attempt in expired)
                {
                    // Out of the set under the lock: its end can no longer return the source to the pool.
                    _active.Remove(attempt);
                    attempt.TimedOut = true;
                }
            }

            if (_active.Count == 0)
            {
                // Idle: no tick until the next attempt starts (a late start of the timer stops here again).
                _ticking = false;
                _timer.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }

        if (expired is not null)
        {
            foreach (var attempt in expired)
            {
                attempt.Source.Cancel();
            }
        }
    }

    private void End(Attempt attempt)
    {
        attempt.Registration.Dispose();
        lock (_gate)
        {
            if (attempt.OwnTimer)
            {
                // Started after Dispose: not in the set, its source has its own timer.
            }
            else if (!_active.Remove(attempt))
            {
                // Timed out: the tick cancels (or cancelled) this source outside the lock; it is never reused.
                return;
            }

            if (!attempt.OwnTimer && !_disposed && _pool.Count < PoolLimit && attempt.Source.TryReset())
            {
                _pool.Push(attempt.Source);
                return;
            }
        }

        attempt.Source.Dispose();
    }

    /// <summary>One request attempt under the timeout; dispose it when the attempt ends.</summary>
    internal sealed class Attempt : IDisposable
    {
        private readonly RequestTimeouts _owner;
        private int _ended;
        private bool _timedOut;

        internal Attempt(RequestTimeouts owner, CancellationTokenSource source, long deadline, bool ownTimer)
        {
            _owner = owner;
            OwnTimer = ownTimer;
            Source = source;
            Token = source.Token;
            Deadline = deadline;
        }

        /// <summary>Cancelled at the deadline or when the caller's token is.</summary>
        public CancellationToken Token { get; }

        /// <summary>True once the deadline passed and the token was (or is being) cancelled for it.</summary>
        public bool TimedOut
        {
            get => OwnTimer ? Source.IsCancellationRequested : Volatile.Read(ref _timedOut);
            internal set => Volatile.Write(ref _timedOut, value);
        }

        internal CancellationTokenSource Source { get; }

        internal long Deadline { get; }

        /// <summary>Started after the owner was disposed: its source has a timer of its own and is not in the set.</summary>
        internal bool OwnTimer { get; }

        internal CancellationTokenRegistration Registration { get; set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _owner.End(this);
            }
        }
    }
}
