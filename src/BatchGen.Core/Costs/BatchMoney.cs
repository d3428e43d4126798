using System.Globalization;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Core.Costs;

/// <summary>
/// The three money figures of a batch, defined once and computed from the ledger alone (so a rerun with no new
/// activity shows the same figures; docs/reports.md "What the money figures mean"):
/// <list type="bullet">
/// <item><b>spent</b>: the sum of <see cref="CostRules.Spent"/> over jobs not in flight: the provider's reported cost, else
/// the estimate of a generated video (or of a failed job on a provider that charges failures);</item>
/// <item><b>reserved</b>: the estimates of jobs whose submit is unresolved (submitting: in flight or ambiguous; submitted;
/// running) and that have no reported cost yet: money that may already be charged;</item>
/// <item><b>estimated</b>: the estimates recorded in the ledger (a job gets one when it is admitted for submission), whatever its state.</item>
/// </list>
/// </summary>
public sealed record BatchMoney(decimal SpentUsd, decimal ReservedUsd, int ReservedJobs, decimal EstimatedUsd)
{
    public static BatchMoney FromJobs(IEnumerable<LedgerJob> jobs, IReadOnlySet<string> chargeFailedProviders)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(chargeFailedProviders);
        decimal spent = 0m, reserved = 0m, estimated = 0m;
        var reservedJobs = 0;
        foreach (var job in jobs)
        {
            var estimate = CostRules.Estimate(job);
            estimated += estimate;
            if (IsReserved(job))
            {
                reserved += estimate;
                reservedJobs++;
            }
            else
            {
                spent += CostRules.Spent(job, chargeFailedProviders);
            }
        }

        return new BatchMoney(spent, reserved, reservedJobs, estimated);
    }

    /// <summary>In flight with no reported cost: counted as reserved, not spent.</summary>
    public static bool IsReserved(LedgerJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return CostRules.IsInFlight(job) && job.ActualCostUsd is null;
    }

    /// <summary>"spent $9.90, $10.10 reserved for 22 unresolved submits" (+ ", of $20.00" with a cap).</summary>
    public string Describe(decimal? capUsd = null)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"spent ${SpentUsd:0.00}, ${ReservedUsd:0.00} reserved for {ReservedJobs} unresolved submit{(ReservedJobs == 1 ? "" : "s")}");
        return capUsd is { } cap ? string.Create(c, $"{text}, of ${cap:0.00}") : string.Create(c, $"{text}; ${EstimatedUsd:0.00} estimated for the jobs submitted so far");
    }
}
