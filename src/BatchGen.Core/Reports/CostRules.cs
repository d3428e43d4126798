using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// What a job cost. <b>Spent</b> is the money a job is taken to have cost:
/// <list type="number">
/// <item>the provider's reported actual cost when there is one (whatever the job's state);</item>
/// <item>otherwise its estimate when the provider produced the video (state generated or succeeded);</item>
/// <item>otherwise its estimate when it failed after being submitted and its provider charges failed jobs;</item>
/// <item>otherwise zero (never submitted, blocked, in flight, or failed on a provider that does not charge failures).</item>
/// </list>
/// Jobs in flight (submitting, submitted, running) are not spent yet; they are counted as in flight.
/// Every amount is rounded to 6 decimals per job first, so every total is the exact sum of its rows.
/// </summary>
internal static class CostRules
{
    public static decimal Round(decimal usd) => decimal.Round(usd, 6, MidpointRounding.ToEven);

    public static decimal Estimate(LedgerJob job) => job.EstimatedCostUsd is { } e ? Round(e) : 0m;

    public static bool IsCharged(LedgerJob job, IReadOnlySet<string> chargeFailedProviders) =>
        job.ActualCostUsd is not null
        || job.State is JobState.Generated or JobState.Succeeded
        || (job.State == JobState.Failed
            && chargeFailedProviders.Contains(job.Provider)
            && (job.RemoteId is not null || job.SubmittedAt is not null));

    public static decimal Spent(LedgerJob job, IReadOnlySet<string> chargeFailedProviders)
    {
        if (job.ActualCostUsd is { } actual && !IsFlagged(job))
        {
            return Round(actual);
        }

        return IsCharged(job, chargeFailedProviders) ? Estimate(job) : 0m;
    }

    /// <summary>A provider-reported cost more than 3x from the estimate: shown apart, never summed (see <see cref="Costs.ReportedCostCheck"/>).</summary>
    public static bool IsFlagged(LedgerJob job) => Costs.ReportedCostCheck.IsFlagged(job.EstimatedCostUsd, job.ActualCostUsd);

    public static bool IsInFlight(LedgerJob job) => job.State is JobState.Submitting or JobState.Submitted or JobState.Running;

    /// <summary>Latency = CompletedAt - SubmittedAt, in seconds, when both are known and ordered.</summary>
    public static double? LatencySeconds(LedgerJob job) =>
        job is { SubmittedAt: { } s, CompletedAt: { } c } && c >= s ? (c - s).TotalSeconds : null;
}
