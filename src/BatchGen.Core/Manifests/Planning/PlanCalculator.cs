using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Manifests.Planning;

/// <summary>
/// Streams a manifest's jobs once and sums what <c>plan</c> shows. Memory depends on the manifest (its axis values),
/// not on the job count. Wall time per provider: the <see cref="ThroughputBound"/> of its jobs (rate, burst, tasks in
/// flight, nominal latency) divided by <see cref="ExpectedEfficiency"/>; providers run in parallel, so the batch takes
/// as long as the slowest. An estimate, not a promise.
/// </summary>
public static class PlanCalculator
{
    public const int DefaultSampleSize = 20;

    /// <summary>
    /// The share of the bound a run reaches when the configured limits and latency are the provider's own, as
    /// <c>batchgen bench</c> measures it (README "Performance at the limit"): 0.76-0.95 on the scenarios measured, so
    /// the estimate stays within 15% of the actual time over that range.
    /// </summary>
    public const double ExpectedEfficiency = 0.9;

    /// <param name="onJob">Called for every job with its estimate (null = no price); lets the caller stream them out.</param>
    /// <param name="idsForEveryJob">
    /// False when nobody looks at the ids of jobs past the sample (<paramref name="onJob"/> ignores <see cref="JobSpec.Id"/>
    /// and <see cref="JobSpec.OutputPath"/>): those jobs then skip the hashing and carry a placeholder id.
    /// </param>
    public static PlanSummary Compute(Manifest manifest, int sampleSize = DefaultSampleSize, Action<JobSpec, decimal?>? onJob = null, bool idsForEveryJob = true)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var tally = new JobTally(manifest.Providers);
        var sample = new List<(JobSpec, decimal?)>();
        var countAxes = manifest.Axes.Count > 0;
        long total = 0;
        var jobs = idsForEveryJob ? manifest.Jobs() : manifest.JobsWithIdsFor(sampleSize);
        foreach (var job in jobs)
        {
            total++;
            var cost = tally.Add(job, countAxes);
            if (sample.Count < sampleSize)
            {
                sample.Add((job, cost));
            }

            onJob?.Invoke(job, cost);
        }

        var providers = ProviderNames.All
            .Select(name => (Name: name, Classes: tally.Classes.Where(c => c.Provider == name).ToArray()))
            .Where(p => p.Classes.Length > 0)
            .Select(p => Plan(p.Name, manifest.Providers[p.Name], Totals(p.Classes), ByWebhook(manifest, p.Name)))
            .ToArray();
        return new PlanSummary
        {
            Name = manifest.Name,
            Jobs = total,
            EstimatedCostUsd = providers.Sum(p => p.EstimatedCostUsd),
            UnknownCostJobs = providers.Sum(p => p.UnknownCostJobs),
            EstimatedWallTime = providers.Length == 0 ? TimeSpan.Zero : providers.Max(p => p.EstimatedWallTime),
            MaxCost = manifest.MaxCost,
            Providers = providers,
            AxisCounts = manifest.Axes
                .Select(a => (Axis: a, Counts: tally.AxisCounts(a)))
                .Where(a => a.Counts is not null)
                .Select(a => new KeyValuePair<string, IReadOnlyList<KeyValuePair<string, long>>>(a.Axis, a.Counts!))
                .ToArray(),
            Sample = sample,
        };
    }

    private static (long Jobs, decimal Cost, long Unknown) Totals(JobTally.PriceClass[] classes)
    {
        (long Jobs, decimal Cost, long Unknown) totals = default;
        foreach (var c in classes)
        {
            totals.Jobs += c.Jobs;
            totals.Cost += (c.CostUsd ?? 0) * c.Jobs;
            totals.Unknown += c.CostUsd is null ? c.Jobs : 0;
        }

        return totals;
    }

    /// <summary>
    /// Jobs per second one provider sustains with these settings once under way: the lower of its tasks in flight over
    /// the latency and its rate over the requests a job needs at least.
    /// </summary>
    public static double Throughput(ProviderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var limits = ThroughputBound.LimitsOf(settings);
        var byConcurrency = limits.Concurrency / Math.Max(limits.Latency.TotalSeconds, 0.001);
        var byRate = limits.RequestsPerSecond / limits.RequestsPerJob;
        return Math.Min(byConcurrency, byRate);
    }

    /// <summary>
    /// One provider's estimated wall time: its bound over the efficiency a run is expected to reach. A provider that
    /// completes by webhook needs only its submit per job.
    /// </summary>
    public static TimeSpan EstimateWallTime(long jobs, ProviderSettings settings, bool byWebhook = false)
    {
        var limits = ThroughputBound.LimitsOf(settings);
        limits = byWebhook ? limits with { RequestsPerJob = 1 } : limits;
        return TimeSpan.FromSeconds(ThroughputBound.Seconds(jobs, limits) / ExpectedEfficiency);
    }

    /// <summary>A <c>webhook:</c> section (or the provider's own callback URL) and a provider that sends callbacks.</summary>
    private static bool ByWebhook(Manifest manifest, string provider) =>
        Webhooks.WebhookSettings.Providers.Contains(provider) && (manifest.Webhook is not null || manifest.Providers[provider].WebhookUrl is not null);

    private static ProviderPlan Plan(string name, ProviderSettings settings, (long Jobs, decimal Cost, long Unknown) totals, bool byWebhook)
    {
        var wall = EstimateWallTime(totals.Jobs, settings, byWebhook);
        var perMinute = wall > TimeSpan.Zero ? totals.Jobs / wall.TotalMinutes : Throughput(settings) * 60;
        return new ProviderPlan(name, totals.Jobs, totals.Cost, totals.Unknown, wall, settings.Concurrency, settings.RateLimit.ToString(), perMinute);
    }
}
