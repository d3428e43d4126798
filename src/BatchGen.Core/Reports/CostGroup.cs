using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>Cost and outcome figures of a set of jobs (one row of a cost report, or a total).</summary>
public sealed record CostGroup
{
    public required string Key { get; init; }

    public int Jobs { get; init; }

    public int Succeeded { get; init; }

    public int Failed { get; init; }

    /// <summary>Submitting, submitted, running or generated.</summary>
    public int InFlight { get; init; }

    /// <summary>Pending or blocked: not submitted.</summary>
    public int NotSubmitted { get; init; }

    /// <summary>Sum of the estimates of every job in the group.</summary>
    public decimal EstimatedUsd { get; init; }

    /// <summary>Sum of the estimates of the charged jobs only (to compare with <see cref="SpentUsd"/>).</summary>
    public decimal ChargedEstimateUsd { get; init; }

    /// <summary>See <see cref="CostRules"/> for what counts as spent.</summary>
    public decimal SpentUsd { get; init; }

    /// <summary>Sum of the costs providers reported (a part of <see cref="SpentUsd"/>).</summary>
    public decimal ActualReportedUsd { get; init; }

    /// <summary>
    /// Estimates of the jobs not charged yet and not failed (pending, blocked, in flight). A job never submitted has
    /// no recorded estimate: it is priced with the batch's price table (<see cref="ReportInput.PriceOf"/>).
    /// </summary>
    public decimal RemainingEstimateUsd { get; init; }

    /// <summary>Jobs counted in <see cref="RemainingEstimateUsd"/>.</summary>
    public int RemainingJobs { get; init; }

    /// <summary>Jobs among <see cref="RemainingJobs"/> that no price table could price (left out of the sum).</summary>
    public int RemainingUnpriced { get; init; }

    /// <summary>Provider-reported costs more than 3x from the estimate: shown here, not in <see cref="SpentUsd"/>.</summary>
    public decimal FlaggedReportedUsd { get; init; }

    /// <summary>Jobs whose reported cost is flagged (see <see cref="FlaggedReportedUsd"/>).</summary>
    public int FlaggedJobs { get; init; }

    /// <summary>Spent divided by succeeded; null with no success.</summary>
    public decimal? CostPerSuccessUsd => Succeeded > 0 ? CostRules.Round(SpentUsd / Succeeded) : null;

    internal static CostGroup From(string key, IEnumerable<LedgerJob> jobs, IReadOnlySet<string> chargeFailed, Func<LedgerJob, decimal?>? priceOf = null)
    {
        var builder = new CostGroupBuilder(chargeFailed, priceOf);
        foreach (var job in jobs)
        {
            builder.Add(job);
        }

        return builder.Build(key);
    }
}

/// <summary>The running figures of a <see cref="CostGroup"/>, one job at a time.</summary>
internal sealed class CostGroupBuilder(IReadOnlySet<string> chargeFailed, Func<LedgerJob, decimal?>? priceOf)
{
    private int _count, _succeeded, _failed, _inFlight, _notSubmitted, _remainingJobs, _unpriced, _flaggedJobs;
    private decimal _estimated, _chargedEstimate, _spent, _actual, _remaining, _flagged;

    public void Add(LedgerJob job)
    {
        _count++;
        var estimate = CostRules.Estimate(job);
        _estimated += estimate;
        switch (job.State)
        {
            case JobState.Succeeded:
                _succeeded++;
                break;
            case JobState.Failed:
                _failed++;
                break;
            case JobState.Pending or JobState.Blocked:
                _notSubmitted++;
                break;
            default:
                _inFlight++;
                break;
        }

        if (CostRules.IsCharged(job, chargeFailed))
        {
            _chargedEstimate += estimate;
            _spent += CostRules.Spent(job, chargeFailed);
            if (CostRules.IsFlagged(job))
            {
                _flaggedJobs++;
                _flagged += CostRules.Round(job.ActualCostUsd!.Value);
            }
            else
            {
                _actual += job.ActualCostUsd is { } a ? CostRules.Round(a) : 0m;
            }
        }
        else if (job.State != JobState.Failed)
        {
            _remainingJobs++;
            if (job.EstimatedCostUsd is null && priceOf?.Invoke(job) is { } price)
            {
                _remaining += CostRules.Round(price);
            }
            else if (job.EstimatedCostUsd is null)
            {
                _unpriced++;
            }
            else
            {
                _remaining += estimate;
            }
        }
    }

    public CostGroup Build(string key) => new()
    {
        Key = key,
        Jobs = _count,
        Succeeded = _succeeded,
        Failed = _failed,
        InFlight = _inFlight,
        NotSubmitted = _notSubmitted,
        EstimatedUsd = _estimated,
        ChargedEstimateUsd = _chargedEstimate,
        SpentUsd = _spent,
        ActualReportedUsd = _actual,
        RemainingEstimateUsd = _remaining,
        RemainingJobs = _remainingJobs,
        RemainingUnpriced = _unpriced,
        FlaggedReportedUsd = _flagged,
        FlaggedJobs = _flaggedJobs,
    };
}

/// <summary>One breakdown of the cost report: its rows (sorted by key) and their total.</summary>
public sealed record CostSection(string Title, string Dimension, IReadOnlyList<CostGroup> Rows, CostGroup Total);
