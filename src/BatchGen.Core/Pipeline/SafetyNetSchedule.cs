using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// Polls of a task whose completion is expected by webhook: a safety net for a lost delivery, so sparse. The first at
/// <see cref="FirstFactor"/> times the expected latency, then every <see cref="IntervalFactor"/> times it (at least
/// <see cref="MinIntervalFactor"/> times the poll ceiling), with +-10% jitter; a re-attached task is polled at once.
/// </summary>
internal sealed class SafetyNetSchedule
{
    public const double FirstFactor = 4;
    public const double IntervalFactor = 2;
    public const double MinIntervalFactor = 4;

    private readonly TimeSpan _interval;

    public SafetyNetSchedule(ProviderSettings settings, TimeSpan? expected, bool reattached)
    {
        var latency = expected ?? settings.NominalLatency;
        FirstDelay = reattached ? TimeSpan.Zero : Jitter(Max(latency * FirstFactor, settings.PollInterval));
        _interval = Max(latency * IntervalFactor, settings.MaxPollInterval * MinIntervalFactor);
    }

    public TimeSpan FirstDelay { get; }

    public TimeSpan Next() => Jitter(_interval);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Jitter(TimeSpan value) =>
        TimeSpan.FromTicks((long)(value.Ticks * (0.9 + (Random.Shared.NextDouble() * 0.2))));
}
