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
        var builder = new AbRowBuilder(chargeFailed);
        foreach (var job in jobs)
        {
            builder.Add(job);
        }

        return builder.Build(axis, value);
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

/// <summary>The running figures of an <see cref="AbRow"/>, one job at a time (latencies kept only for succeeded jobs).</summary>
internal sealed class AbRowBuilder(IReadOnlySet<string> chargeFailed)
{
    // One latency inline, a list only from the second: an axis with a value per job (a CSV's prompts) keeps
    // 100,000 groups of one job each, and a list per group was about 90 bytes more each.
    private double _firstLatency;
    private bool _hasLatency;
    private List<double>? _latencies;
    private int _jobs, _succeeded, _failed;
    private decimal _spent;

    public void Add(LedgerJob job)
    {
        _jobs++;
        if (job.State == JobState.Succeeded)
        {
            _succeeded++;
            if (CostRules.LatencySeconds(job) is { } latency)
            {
                if (!_hasLatency)
                {
                    (_firstLatency, _hasLatency) = (latency, true);
                }
                else
                {
                    (_latencies ??= [_firstLatency]).Add(latency);
                }
            }
        }
        else if (job.State == JobState.Failed)
        {
            _failed++;
        }

        _spent += CostRules.Spent(job, chargeFailed);
    }

    public AbRow Build(string axis, string value)
    {
        List<double> sorted = _latencies is not null ? [.. _latencies.Order()] : _hasLatency ? [_firstLatency] : [];
        return new AbRow
        {
            Axis = axis,
            Value = value,
            Jobs = _jobs,
            Succeeded = _succeeded,
            Failed = _failed,
            LatencyP50Seconds = AbRow.Percentile(sorted, 0.50),
            LatencyP95Seconds = AbRow.Percentile(sorted, 0.95),
            SpentUsd = _spent,
        };
    }
}
