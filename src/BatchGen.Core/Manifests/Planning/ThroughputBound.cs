using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Manifests.Planning;

/// <summary>
/// What bounds one provider's sweep from below: its request rate, its initial burst, its cap on tasks in flight and its
/// latency. <c>T_min = max((k*N - B)/r, ceil(N/C)*L, (N - B)/r + L)</c>, with <c>k</c> the API requests a job needs at
/// the very least (submit + one poll that sees it finished), <c>B</c> the burst, <c>r</c> requests per second,
/// <c>C</c> tasks in flight and <c>L</c> the latency. No client can finish sooner; <c>plan</c> and <c>batchgen bench</c>
/// both use it.
/// </summary>
public static class ThroughputBound
{
    /// <summary>The bound, in seconds, for <paramref name="jobs"/> jobs (0 for no jobs).</summary>
    public static double Seconds(long jobs, ProviderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (jobs <= 0)
        {
            return 0;
        }

        var n = (double)jobs;
        var r = Math.Max(limits.RequestsPerSecond, 1e-9);
        var b = Math.Min(limits.Burst, n * limits.RequestsPerJob);
        var latency = limits.Latency.TotalSeconds;
        var byRate = Math.Max(0, (limits.RequestsPerJob * n) - b) / r;
        var byConcurrency = Math.Ceiling(n / Math.Max(1, limits.Concurrency)) * latency;
        var bySubmits = (Math.Max(0, n - b) / r) + latency;
        return Math.Max(byRate, Math.Max(byConcurrency, bySubmits));
    }

    /// <summary>
    /// The fewest API requests one job costs on this provider: a submit and one poll that sees it finished; Segmind's
    /// asynchronous API needs one more (the status says COMPLETED, a second GET gives the result), its synchronous one
    /// only the submit.
    /// </summary>
    public static int MinimumRequestsPerJob(ProviderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Name != ProviderNames.Segmind ? 2 : settings.Mode == ProviderModes.Sync ? 1 : 3;
    }

    /// <summary>
    /// Requests the client may send at once before the rate applies: one second's worth, as its token bucket holds
    /// (and at least one).
    /// </summary>
    public static int Burst(RateLimitSpec rate) => Math.Max(1, (int)Math.Ceiling(rate.PerSecond));

    /// <summary>The limits of one provider as configured (the provider's own are assumed equal).</summary>
    public static ProviderLimits LimitsOf(ProviderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ProviderLimits(MinimumRequestsPerJob(settings), Burst(settings.RateLimit), settings.RateLimit.PerSecond, settings.Concurrency, settings.NominalLatency);
    }
}

/// <summary>The inputs of <see cref="ThroughputBound"/> for one provider.</summary>
/// <param name="RequestsPerJob">k: API requests a job needs at the very least.</param>
/// <param name="Burst">B: requests allowed at once at the start.</param>
/// <param name="RequestsPerSecond">r: the sustained request rate.</param>
/// <param name="Concurrency">C: tasks in flight at once.</param>
/// <param name="Latency">L: submit to finished, for one task.</param>
public sealed record ProviderLimits(int RequestsPerJob, double Burst, double RequestsPerSecond, int Concurrency, TimeSpan Latency);
