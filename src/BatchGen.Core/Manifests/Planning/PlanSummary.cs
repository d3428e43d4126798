using BatchGen.Core.Jobs;

namespace BatchGen.Core.Manifests.Planning;

/// <summary>What a manifest will do: counts, estimated cost and wall time, per provider and per axis value.</summary>
public sealed class PlanSummary
{
    public required string Name { get; init; }

    public required long Jobs { get; init; }

    /// <summary>Sum of the known estimates (jobs without a price are not included; see <see cref="UnknownCostJobs"/>).</summary>
    public required decimal EstimatedCostUsd { get; init; }

    public required long UnknownCostJobs { get; init; }

    /// <summary>The slowest provider's estimate (providers run in parallel).</summary>
    public required TimeSpan EstimatedWallTime { get; init; }

    public decimal? MaxCost { get; init; }

    public required IReadOnlyList<ProviderPlan> Providers { get; init; }

    /// <summary>Axis name -> (value -> job count), in declared order, values in first-seen order.</summary>
    public required IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, long>>>> AxisCounts { get; init; }

    /// <summary>The first jobs (all of them when asked for), each with its estimate.</summary>
    public required IReadOnlyList<(JobSpec Job, decimal? CostUsd)> Sample { get; init; }
}

/// <summary>One provider's share of a plan.</summary>
public sealed record ProviderPlan(string Name, long Jobs, decimal EstimatedCostUsd, long UnknownCostJobs, TimeSpan EstimatedWallTime, int Concurrency, string RateLimit, double JobsPerMinute);
