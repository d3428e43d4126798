namespace BatchGen.Tests.Providers;

/// <summary>A clock stopped at one instant, for Retry-After dates and reset headers.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public FixedClock()
        : this(Epoch)
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
