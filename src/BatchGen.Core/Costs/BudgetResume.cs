using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Core.Costs;

/// <summary>
/// A budget gate rebuilt from a batch's ledger on resume, plus a reservation for every job that was in flight
/// (submitting, submitted or running): the engine re-attaches to those jobs and settles each reservation as usual.
/// </summary>
public sealed record BudgetResume(BudgetGate Gate, IReadOnlyDictionary<string, BudgetReservation> InFlight)
{
    /// <summary>
    /// Spent per provider is computed with the same definition the reports use (see docs/reports.md, "What spent
    /// means"). In-flight jobs are reserved at their estimate even when that passes a cap (they are already
    /// submitted); new jobs are then refused until the caps allow them.
    /// </summary>
    public static BudgetResume FromLedger(
        decimal? maxCostUsd,
        IReadOnlyDictionary<string, decimal> perProviderCapsUsd,
        IEnumerable<LedgerJob> jobs,
        IReadOnlySet<string> chargeFailedProviders)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(chargeFailedProviders);
        var all = jobs.ToList();
        var spentBy = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var inFlight = new List<LedgerJob>();
        foreach (var job in all.OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            if (BatchMoney.IsReserved(job))
            {
                inFlight.Add(job);
                continue;
            }

            var spent = CostRules.Spent(job, chargeFailedProviders);
            if (spent != 0m)
            {
                spentBy[job.Provider] = spentBy.GetValueOrDefault(job.Provider) + spent;
            }
        }

        var gate = new BudgetGate(maxCostUsd, perProviderCapsUsd, spentBy.Values.Sum(), spentBy);

        // A provider that charged more than its estimate before is priced at that rate again from the first admission.
        foreach (var job in all)
        {
            if (job is { ActualCostUsd: { } actual, EstimatedCostUsd: { } estimate })
            {
                gate.LearnCharge(job.Provider, estimate, actual);
            }
        }

        var reservations = new Dictionary<string, BudgetReservation>(StringComparer.Ordinal);
        foreach (var job in inFlight)
        {
            reservations[job.Id] = gate.ForceReserve(job.Provider, CostRules.Estimate(job));
        }

        return new BudgetResume(gate, reservations);
    }
}
