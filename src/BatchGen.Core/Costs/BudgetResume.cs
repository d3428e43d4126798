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
        var builder = new Builder(chargeFailedProviders);
        foreach (var job in jobs)
        {
            builder.Add(job);
        }

        return builder.Build(maxCostUsd, perProviderCapsUsd);
    }

    /// <summary>
    /// Reads the ledger's jobs one at a time (a resume of 100,000 jobs keeps only a few figures per job, never the
    /// rows): spent per provider, the charges to learn from (in ledger order) and the jobs in flight.
    /// </summary>
    public sealed class Builder
    {
        private readonly IReadOnlySet<string> _chargeFailed;
        private readonly Dictionary<string, decimal> _spentBy = new(StringComparer.Ordinal);
        private readonly List<(string Provider, decimal Estimate, decimal Actual)> _charges = [];
        private readonly List<(string Id, string Provider, decimal Estimate)> _inFlight = [];

        public Builder(IReadOnlySet<string> chargeFailedProviders)
        {
            ArgumentNullException.ThrowIfNull(chargeFailedProviders);
            _chargeFailed = chargeFailedProviders;
        }

        public void Add(LedgerJob job)
        {
            ArgumentNullException.ThrowIfNull(job);
            if (job is { ActualCostUsd: { } actual, EstimatedCostUsd: { } estimate })
            {
                _charges.Add((job.Provider, estimate, actual));
            }

            if (BatchMoney.IsReserved(job))
            {
                _inFlight.Add((job.Id, job.Provider, CostRules.Estimate(job)));
                return;
            }

            var spent = CostRules.Spent(job, _chargeFailed);
            if (spent != 0m)
            {
                _spentBy[job.Provider] = _spentBy.GetValueOrDefault(job.Provider) + spent;
            }
        }

        public BudgetResume Build(decimal? maxCostUsd, IReadOnlyDictionary<string, decimal> perProviderCapsUsd)
        {
            var gate = new BudgetGate(maxCostUsd, perProviderCapsUsd, _spentBy.Values.Sum(), _spentBy);

            // A provider that charged more than its estimate before is priced at that rate again from the first admission.
            foreach (var (provider, estimate, actual) in _charges)
            {
                gate.LearnCharge(provider, estimate, actual);
            }

            var reservations = new Dictionary<string, BudgetReservation>(StringComparer.Ordinal);
            foreach (var (id, provider, estimate) in _inFlight.OrderBy(j => j.Id, StringComparer.Ordinal))
            {
                reservations[id] = gate.ForceReserve(provider, estimate);
            }

            return new BudgetResume(gate, reservations);
        }
    }
}
