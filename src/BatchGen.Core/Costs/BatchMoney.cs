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
        var sum = new Sum(chargeFailedProviders);
        foreach (var job in jobs)
        {
            sum.Add(job);
        }

        return sum.Result();
    }

    /// <summary>As <see cref="FromJobs"/>, one job at a time from a stream (the ledger's rows are never all in memory).</summary>
    public static async Task<BatchMoney> FromLedgerAsync(IAsyncEnumerable<LedgerJob> jobs, IReadOnlySet<string> chargeFailedProviders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var sum = new Sum(chargeFailedProviders);
        await foreach (var job in jobs.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            sum.Add(job);
        }

        return sum.Result();
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

    /// <summary>The running totals behind <see cref="FromJobs"/>.</summary>
    private sealed class Sum
    {
        private readonly IReadOnlySet<string> _chargeFailed;
        private decimal _spent;
        private decimal _reserved;
        private decimal _estimated;
        private int _reservedJobs;

        public Sum(IReadOnlySet<string> chargeFailedProviders)
        {
            ArgumentNullException.ThrowIfNull(chargeFailedProviders);
            _chargeFailed = chargeFailedProviders;
        }

        public void Add(LedgerJob job)
        {
            var estimate = CostRules.Estimate(job);
            _estimated += estimate;
            if (IsReserved(job))
            {
                _reserved += estimate;
                _reservedJobs++;
            }
            else
            {
                _spent += CostRules.Spent(job, _chargeFailed);
            }
        }

        public BatchMoney Result() => new(_spent, _reserved, _reservedJobs, _estimated);
    }
}
