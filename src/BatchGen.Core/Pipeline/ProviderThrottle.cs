using System.Threading.RateLimiting;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// One provider's request gate, shared by submits and polls: a token bucket at the configured rate (the hard
/// ceiling), under an adaptive rate that halves on every 429 and creeps back up by a small step on each success
/// (additive increase, multiplicative decrease), and a pause until the provider's Retry-After has passed.
/// </summary>
internal sealed class ProviderThrottle : IDisposable
{
    private const double MinimumFraction = 0.05;
    private const double IncreaseFraction = 0.02;

    private readonly TokenBucketRateLimiter _bucket;
    private readonly TimeProvider _time;
    private readonly double _ceilingPerSecond;
    private readonly Lock _gate = new();
    private double _ratePerSecond;
    private long _nextSlotTicks;
    private long _pausedUntilTicks;

    public ProviderThrottle(RateLimitSpec limit, TimeProvider timeProvider)
    {
        _time = timeProvider;
        _ceilingPerSecond = limit.PerSecond;
        _ratePerSecond = _ceilingPerSecond;
        _bucket = new TokenBucketRateLimiter(CreateBucketOptions(limit));
    }

    /// <summary>Requests per second the throttle allows now (for the live view).</summary>
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

    /// <summary>Number of 429 replies seen.</summary>
    public int ThrottledCount { get; private set; }

    /// <summary>Waits until one request may be sent.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var delay = ReserveSlot();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        using var lease = await _bucket.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            // Queue limit reached (thousands waiting): wait for the advertised time and try once more.
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            await Task.Delay(retryAfter, _time, cancellationToken).ConfigureAwait(false);
            using var second = await _bucket.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A request went through: raise the adaptive rate a little, up to the ceiling.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            _ratePerSecond = Math.Min(_ceilingPerSecond, _ratePerSecond + (_ceilingPerSecond * IncreaseFraction));
        }
    }

    /// <summary>The provider said 429: halve the rate and pause for its Retry-After (or one interval).</summary>
    public void OnThrottled(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            ThrottledCount++;
            _ratePerSecond = Math.Max(_ceilingPerSecond * MinimumFraction, _ratePerSecond / 2);
            var pause = retryAfter ?? TimeSpan.FromSeconds(1 / _ratePerSecond);
            var until = _time.GetTimestamp() + ToTimestampTicks(pause);
            _pausedUntilTicks = Math.Max(_pausedUntilTicks, until);
        }
    }

    public void Dispose() => _bucket.Dispose();

    private TimeSpan ReserveSlot()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var start = Math.Max(now, Math.Max(_nextSlotTicks, _pausedUntilTicks));
            _nextSlotTicks = start + ToTimestampTicks(TimeSpan.FromSeconds(1 / _ratePerSecond));
            return _time.GetElapsedTime(now, start);
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static TokenBucketRateLimiterOptions CreateBucketOptions(RateLimitSpec limit)
    {
        // Burst of at most one second's worth of requests, refilled in small steps so the rate stays smooth.
        var perSecond = limit.PerSecond;
        var period = TimeSpan.FromSeconds(Math.Max(0.05, 1 / perSecond));
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond * period.TotalSeconds));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling(perSecond)),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }
}
