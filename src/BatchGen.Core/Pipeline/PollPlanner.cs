using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// A poll plan for one latency class: the first poll <see cref="FirstPoll"/> after the submit, then one every
/// <see cref="FollowUp"/> until <see cref="TailStart"/> (the end of the observed completion times), then backing off.
/// </summary>
/// <param name="ExpectedPolls">Polls per task the plan costs, by the estimate.</param>
/// <param name="ExpectedHold">Seconds from submit to the poll that sees the task finished, by the estimate.</param>
/// <param name="Probe">The first poll of a probe task: the estimated median (see <see cref="PollPlanner.TakeProbe"/>).</param>
internal sealed record PollPlan(TimeSpan FirstPoll, TimeSpan FollowUp, TimeSpan TailStart, double ExpectedPolls, double ExpectedHold)
{
    public TimeSpan Probe { get; init; } = FirstPoll;
}

/// <summary>
/// Chooses each class's poll plan for one provider so that the provider finishes as many jobs per second as its two
/// limits allow. A job costs requests (its submit, its polls, a separate result fetch where the provider needs one) out
/// of the rate <c>r</c> shared by all, and holds one of the <c>C</c> task slots from submit to the poll that sees it
/// finished. For a first poll at the <c>q</c>-quantile of the estimated completion time and follow-ups every
/// <c>d</c>, the estimate gives the expected polls <c>n(q, d)</c> and hold <c>h(q, d)</c>, and the sustainable job
/// rate is <c>min(r / (k + n), C / h)</c>. Over a grid of (q, d), the plan keeps those within 2% of the best rate and
/// among them takes the one that spends the least of the two resources together, <c>(k + n) / r + h / C</c>: requests
/// spent plus slot time held, each in seconds of the provider's whole capacity. Polling late saves requests and costs slot time, so a
/// provider limited by its rate gets a late first poll (about one poll per job), one limited by its concurrency gets an
/// early first poll and tight follow-ups. Follow-ups never come closer than the provider's poll interval.
/// <para>
/// A late first poll only learns "finished by then": if the provider gets faster, every task is found finished and
/// nothing says how early. So one task in <see cref="ProbeEvery"/> of a class is a probe, first polled at the
/// estimated median: it costs about half a poll more, and when tasks now finish before the median, probes find them
/// finished, the fit concentrates their mass there (the intervals are nested) and the plan moves down.
/// </para>
/// </summary>
internal sealed class PollPlanner
{
    private static readonly double[] Quantiles = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 1.0];
    private static readonly double[] FollowUpFactors = [1, 1.25, 1.5, 2, 3, 4, 6];

    private readonly LatencyTracker _tracker;
    private readonly ProviderSettings _settings;
    private readonly Func<double> _ratePerSecond;
    private readonly Func<double> _fixedRequestsPerJob;
    /// <summary>One task in this many of a class is a probe.</summary>
    public const int ProbeEvery = 16;

    private readonly Dictionary<LatencyClass, (LatencyDistribution Basis, double Rate, double Fixed, PollPlan Plan)> _plans = [];
    private readonly Dictionary<LatencyClass, int> _tasks = [];
    private readonly Lock _gate = new();

    /// <param name="ratePerSecond">The provider's request rate now (the throttle's, after any 429).</param>
    /// <param name="fixedRequestsPerJob">Requests a job costs besides its polls: its submit, plus a result fetch where needed.</param>
    public PollPlanner(LatencyTracker tracker, ProviderSettings settings, Func<double> ratePerSecond, Func<double> fixedRequestsPerJob)
    {
        _tracker = tracker;
        _settings = settings;
        _ratePerSecond = ratePerSecond;
        _fixedRequestsPerJob = fixedRequestsPerJob;
    }

    /// <summary>Counts a new task of the class; true for every <see cref="ProbeEvery"/>-th (its first poll is the plan's probe).</summary>
    public bool TakeProbe(LatencyClass latencyClass)
    {
        lock (_gate)
        {
            var count = _tasks.GetValueOrDefault(latencyClass) + 1;
            _tasks[latencyClass] = count;
            return count % ProbeEvery == 0;
        }
    }

    /// <summary>The class's plan, or null while its latency is not known yet (then the schedule uses the nominal latency).</summary>
    public PollPlan? PlanFor(LatencyClass latencyClass)
    {
        if (_tracker.Estimate(latencyClass) is not { } estimate)
        {
            return null;
        }

        var rate = _ratePerSecond();
        var fixedRequests = _fixedRequestsPerJob();
        lock (_gate)
        {
            if (_plans.TryGetValue(latencyClass, out var cached)
                && ReferenceEquals(cached.Basis, estimate)
                && Math.Abs(cached.Rate - rate) <= 0.1 * cached.Rate
                && Math.Abs(cached.Fixed - fixedRequests) < 0.05)
            {
                return cached.Plan;
            }

            var plan = Choose(estimate, new PlanLimits(rate, _settings.Concurrency, fixedRequests, _settings.PollInterval, _settings.MaxPollInterval));
            _plans[latencyClass] = (estimate, rate, fixedRequests, plan);
            return plan;
        }
    }

    /// <summary>The plan that maximises the sustainable job rate for this estimate and these limits (see the class summary).</summary>
    public static PollPlan Choose(LatencyDistribution estimate, PlanLimits limits)
    {
        var minimum = Math.Max(1e-3, limits.MinFollowUp.TotalSeconds);
        var maximum = Math.Max(minimum, limits.MaxFollowUp.TotalSeconds);
        // Per job: a = seconds of the whole rate its requests use, b = seconds of the whole slot pool its hold uses.
        // The sustainable job rate is 1 / max(a, b).
        var candidates = new List<(PollPlan Plan, double Requests, double Slots)>();
        foreach (var q in Quantiles)
        {
            var first = Math.Max(minimum * 0.1, estimate.Quantile(q));
            foreach (var factor in FollowUpFactors)
            {
                var followUp = Math.Min(maximum, minimum * factor);
                var (polls, hold) = Expect(estimate, first, followUp);
                var plan = new PollPlan(TimeSpan.FromSeconds(first), TimeSpan.FromSeconds(followUp), TimeSpan.FromSeconds(estimate.Upper), polls, hold);
                candidates.Add((plan, (limits.FixedRequestsPerJob + polls) / limits.RatePerSecond, hold / Math.Max(1, limits.Concurrency)));
            }
        }

        // Among the plans within 2% of the best job rate, the one that spends the least of both: requests plus slot time.
        var bound = candidates.Min(c => Math.Max(c.Requests, c.Slots)) * 1.02;
        var best = candidates.Where(c => Math.Max(c.Requests, c.Slots) <= bound).MinBy(c => c.Requests + c.Slots).Plan;
        return best with { Probe = TimeSpan.FromSeconds(Math.Min(best.FirstPoll.TotalSeconds, estimate.Quantile(0.5))) };
    }

    /// <summary>Expected polls and expected seconds to the poll that sees the task finished, for polls at first, first + d, ...</summary>
    internal static (double Polls, double Hold) Expect(LatencyDistribution estimate, double first, double followUp)
    {
        var polls = 1.0;
        var hold = 0.0;
        var before = 0.0;
        var t = first;
        for (var i = 0; i < 10_000; i++)
        {
            var done = estimate.Cdf(t);
            hold += t * (done - before);
            if (done >= 1 - 1e-9)
            {
                break;
            }

            polls += 1 - done;
            before = done;
            t += followUp;
        }

        return (polls, hold);
    }
}

/// <summary>What a provider allows: requests per second, tasks in flight, and the requests each job costs besides its polls.</summary>
internal sealed record PlanLimits(double RatePerSecond, int Concurrency, double FixedRequestsPerJob, TimeSpan MinFollowUp, TimeSpan MaxFollowUp);
