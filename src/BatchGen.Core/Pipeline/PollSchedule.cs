using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// When to poll a task: the first poll near the expected latency (the provider's own estimate, else the running
/// median, else the nominal latency), then at the poll interval, growing by half each time up to the ceiling, with
/// +-10% jitter so many tasks do not poll in step.
/// </summary>
internal sealed class PollSchedule
{
    private readonly ProviderSettings _settings;
    private TimeSpan _interval;

    public PollSchedule(ProviderSettings settings, TimeSpan? expected, bool reattached)
    {
        _settings = settings;
        _interval = settings.PollInterval;
        FirstDelay = reattached ? TimeSpan.Zero : Jitter(expected ?? settings.NominalLatency);
    }

    public TimeSpan FirstDelay { get; }

    public TimeSpan Next()
    {
        var delay = Jitter(_interval);
        _interval = TimeSpan.FromTicks(Math.Min((long)(_interval.Ticks * 1.5), _settings.MaxPollInterval.Ticks));
        return delay;
    }

    private static TimeSpan Jitter(TimeSpan value) =>
        TimeSpan.FromTicks((long)(value.Ticks * (0.9 + (Random.Shared.NextDouble() * 0.2))));
}
