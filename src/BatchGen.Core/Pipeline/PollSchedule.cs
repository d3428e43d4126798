using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// When to poll one task, and what its polls say about its completion time. Times are measured from the task's
/// submit (its tracking start when re-attached). The plan (<see cref="PollPlanner"/>) is asked again every time the
/// next poll is due, so a task submitted before the estimate moved follows the new one.
/// <list type="bullet">
/// <item>First poll: at once when re-attached; else at the provider's own estimate for this task when it gives one
/// (Pixwith <c>estimated_time</c>), else at the plan's first poll (its probe time for a probe task), else at the
/// nominal latency.</item>
/// <item>Then every follow-up interval of the plan (the poll interval without one), until the end of the observed
/// completion times (twice the nominal latency without a plan); past it, each interval 1.5 times the last, up to the
/// maximum poll interval (a task far slower than the rest should not cost many requests).</item>
/// </list>
/// </summary>
internal sealed class PollSchedule
{
    private readonly ProviderSettings _settings;
    private readonly Func<PollPlan?> _plan;
    private readonly TimeSpan? _providerEstimate;
    private readonly bool _reattached;
    private readonly bool _probe;
    private TimeSpan? _lastSent;
    private TimeSpan _tailInterval;
    private TimeSpan _notDoneAt = TimeSpan.Zero;

    public PollSchedule(ProviderSettings settings, Func<PollPlan?> plan, TimeSpan? providerEstimate, bool reattached, bool probe = false)
    {
        _probe = probe;
        _settings = settings;
        _plan = plan;
        _providerEstimate = providerEstimate is { } e && e > TimeSpan.Zero ? e : null;
        _reattached = reattached;
    }

    /// <summary>Polls answered so far.</summary>
    public int Polls { get; private set; }

    /// <summary>Set when a poll saw the task finished: the interval its completion lies in (see <see cref="LatencyTracker.Observe"/>).</summary>
    public (TimeSpan NotDoneAt, TimeSpan DoneBy)? CompletionInterval { get; private set; }

    /// <summary>When (from the submit) the next poll is due, by the current plan.</summary>
    public TimeSpan NextDue()
    {
        var plan = _plan();
        if (_lastSent is not { } last)
        {
            return _reattached ? TimeSpan.Zero : _providerEstimate ?? (_probe ? plan?.Probe : plan?.FirstPoll) ?? _settings.NominalLatency;
        }

        return last + Max(FollowUp(plan), _tailInterval);
    }

    /// <summary>A poll sent at <paramref name="sentAt"/> was answered at <paramref name="answeredAt"/> with <paramref name="state"/> (null: it failed).</summary>
    public void OnAnswer(RemoteState? state, TimeSpan sentAt, TimeSpan answeredAt)
    {
        Polls++;
        _lastSent = sentAt;
        var plan = _plan();
        var tailStart = plan?.TailStart ?? (_settings.NominalLatency * 2);
        _tailInterval = sentAt >= tailStart
            ? Min(_settings.MaxPollInterval, Max(FollowUp(plan), _tailInterval * 1.5))
            : TimeSpan.Zero;
        switch (state)
        {
            case RemoteState.Queued or RemoteState.Running:
                // The provider looked at the task after the request left: it finished later than that.
                _notDoneAt = Max(_notDoneAt, sentAt);
                break;
            case RemoteState.Succeeded when CompletionInterval is null:
                // ... and before the answer came back. (Failures are left out: they end on another clock.)
                CompletionInterval = (_notDoneAt, Max(answeredAt, _notDoneAt));
                break;
        }
    }

    private TimeSpan FollowUp(PollPlan? plan) => Max(plan?.FollowUp ?? _settings.PollInterval, _settings.PollInterval);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
