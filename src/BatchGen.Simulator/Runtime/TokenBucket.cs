namespace BatchGen.Simulator;

/// <summary>A token bucket on an injected clock. Not thread-safe: the owning <see cref="KeyAccount"/> locks.</summary>
internal sealed class TokenBucket
{
    private readonly double capacity;
    private readonly double perSecond;
    private double tokens;
    private DateTimeOffset last;

    public TokenBucket(RateLimitScenario spec, DateTimeOffset now)
    {
        capacity = spec.Burst ?? spec.Permits;
        perSecond = spec.Permits / spec.PeriodSeconds;
        tokens = capacity;
        last = now;
    }

    /// <summary>Tokens left after the last take, rounded down.</summary>
    public int Remaining => (int)Math.Floor(tokens);

    /// <summary>Takes one token, or says how long until one is available.</summary>
    public bool TryTake(DateTimeOffset now, out TimeSpan retryAfter)
    {
        if (now > last)
        {
            tokens = Math.Min(capacity, tokens + ((now - last).TotalSeconds * perSecond));
            last = now;
        }

        if (tokens >= 1)
        {
            tokens -= 1;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((1 - tokens) / perSecond);
        return false;
    }
}
