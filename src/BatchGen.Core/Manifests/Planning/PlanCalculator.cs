using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Manifests.Planning;

/// <summary>
/// Streams a manifest's jobs once and sums what <c>plan</c> shows. Memory depends on the manifest (its axis values),
/// not on the job count. Wall time per provider: jobs / min(concurrency / latency, rate / requests per job), where a
/// job costs one submit plus about latency / poll interval polls. An estimate, not a promise.
/// </summary>
public static class PlanCalculator
{
    public const int DefaultSampleSize = 20;

    /// <param name="onJob">Called for every job with its estimate (null = no price); lets the caller stream them out.</param>
    public static PlanSummary Compute(Manifest manifest, int sampleSize = DefaultSampleSize, Action<JobSpec, decimal?>? onJob = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var perProvider = new Dictionary<string, (long Jobs, decimal Cost, long Unknown)>(StringComparer.Ordinal);
        var axes = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var valueOrder = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var sample = new List<(JobSpec, decimal?)>();
        long total = 0;
        foreach (var job in manifest.Jobs())
        {
            total++;
            var cost = manifest.Providers[job.Provider].Pricing.EstimateUsd(job.Parameters);
            var current = perProvider.GetValueOrDefault(job.Provider);
            perProvider[job.Provider] = (current.Jobs + 1, current.Cost + (cost ?? 0), current.Unknown + (cost is null ? 1 : 0));
            foreach (var (axis, value) in job.Axes)
            {
                if (!axes.TryGetValue(axis, out var counts))
                {
                    axes[axis] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    valueOrder[axis] = [];
                }

                if (!counts.TryAdd(value, 1))
                {
                    counts[value]++;
                }
                else
                {
                    valueOrder[axis].Add(value);
                }
            }

            if (sample.Count < sampleSize)
            {
                sample.Add((job, cost));
            }

            onJob?.Invoke(job, cost);
        }

        var providers = ProviderNames.All.Where(perProvider.ContainsKey)
            .Select(name => Plan(name, manifest.Providers[name], perProvider[name]))
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
            AxisCounts = manifest.Axes.Where(axes.ContainsKey)
                .Select(a => new KeyValuePair<string, IReadOnlyList<KeyValuePair<string, long>>>(
                    a, valueOrder[a].Select(v => new KeyValuePair<string, long>(v, axes[a][v])).ToArray()))
                .ToArray(),
            Sample = sample,
        };
    }

    /// <summary>Jobs per second one provider sustains with these settings.</summary>
    public static double Throughput(ProviderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var latency = Math.Max(settings.NominalLatency.TotalSeconds, 0.001);
        var byConcurrency = settings.Concurrency / latency;
        var requestsPerJob = 1 + Math.Ceiling(latency / Math.Max(settings.PollInterval.TotalSeconds, 0.001));
        var byRate = settings.RateLimit.PerSecond / requestsPerJob;
        return Math.Min(byConcurrency, byRate);
    }

    private static ProviderPlan Plan(string name, ProviderSettings settings, (long Jobs, decimal Cost, long Unknown) totals)
    {
        var perSecond = Throughput(settings);
        // The last wave still takes one full latency even when throughput is high.
        var seconds = totals.Jobs / perSecond;
        seconds = Math.Max(seconds, settings.NominalLatency.TotalSeconds);
        return new ProviderPlan(name, totals.Jobs, totals.Cost, totals.Unknown, TimeSpan.FromSeconds(seconds), settings.Concurrency, settings.RateLimit.ToString(), perSecond * 60);
    }
}
