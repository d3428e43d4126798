using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// A/B comparison figures of one axis value. Success rate = succeeded / (succeeded + failed): jobs still pending,
/// blocked or in flight are left out. Latency = completed - submitted over succeeded jobs (nearest-rank p50/p95).
/// Cost per success = spent / succeeded.
/// </summary>
public sealed record AbRow
{
    public required string Axis { get; init; }

    public required string Value { get; init; }

    public int Jobs { get; init; }

    public int Succeeded { get; init; }

    public int Failed { get; init; }

    public double? SuccessRate => Succeeded + Failed > 0 ? (double)Succeeded / (Succeeded + Failed) : null;

    public double? LatencyP50Seconds { get; init; }

    public double? LatencyP95Seconds { get; init; }

    public decimal SpentUsd { get; init; }

    public decimal? CostPerSuccessUsd => Succeeded > 0 ? CostRules.Round(SpentUsd / Succeeded) : null;

    internal static AbRow From(string axis, string value, IReadOnlyCollection<LedgerJob> jobs, IReadOnlySet<string> chargeFailed)
    {
        var latencies = jobs.Where(j => j.State == JobState.Succeeded)
            .Select(CostRules.LatencySeconds)
            .OfType<double>()
            .Order()
            .ToList();
        return new AbRow
        {
            Axis = axis,
            Value = value,
            Jobs = jobs.Count,
            Succeeded = jobs.Count(j => j.State == JobState.Succeeded),
            Failed = jobs.Count(j => j.State == JobState.Failed),
            LatencyP50Seconds = Percentile(latencies, 0.50),
            LatencyP95Seconds = Percentile(latencies, 0.95),
            SpentUsd = jobs.Sum(j => CostRules.Spent(j, chargeFailed)),
        };
    }

    /// <summary>Nearest-rank percentile of sorted values; null when empty.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
