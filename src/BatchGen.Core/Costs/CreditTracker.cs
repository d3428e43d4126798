namespace BatchGen.Core.Costs;

/// <summary>
/// Turns one provider's reported credit balance (Segmind <c>x-remaining-credits</c>) into per-job actual costs,
/// whatever order the replies arrive in. Every reading is the balance at one instant; a charge reading is the
/// balance right after one job's own charge (the reply to its submit). Balances only fall as charges happen, so
/// the charge of a job is the gap between its reading and the next-higher balance observed: exact when every
/// charge on the key was observed. Thread-safe: lanes record from many workers.
/// </summary>
internal sealed class CreditTracker
{
    /// <summary>A delta above the estimate times this is someone else's usage (or a charge we did not see).</summary>
    public const decimal MaxOverEstimate = 1.5m;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChargeReading> _charges = new(StringComparer.Ordinal);
    private readonly HashSet<string> _conflicting = new(StringComparer.Ordinal);
    private readonly HashSet<decimal> _balances = [];

    /// <summary>The balance right after <paramref name="jobId"/>'s own charge, with the job's estimate in USD.</summary>
    public void ObserveCharge(string jobId, decimal balanceAfter, decimal? estimateUsd)
    {
        lock (_gate)
        {
            _balances.Add(balanceAfter);
            if (_charges.TryGetValue(jobId, out var earlier))
            {
                if (earlier.Balance != balanceAfter)
                {
                    _conflicting.Add(jobId);
                }

                return;
            }

            _charges[jobId] = new ChargeReading(jobId, balanceAfter, estimateUsd);
        }
    }

    /// <summary>A balance read at some instant that no job's charge is attributed to (a poll, an error reply, a baseline).</summary>
    public void ObserveBalance(decimal balance)
    {
        lock (_gate)
        {
            _balances.Add(balance);
        }
    }

    public int ChargeCount
    {
        get
        {
            lock (_gate)
            {
                return _charges.Count;
            }
        }
    }

    /// <summary>
    /// One attribution per job with a charge reading: its actual cost in USD (credits converted with
    /// <paramref name="creditsToUsd"/>), or null with the reason it cannot be known.
    /// </summary>
    public IReadOnlyList<CreditAttribution> Attribute(Func<decimal, decimal> creditsToUsd)
    {
        ArgumentNullException.ThrowIfNull(creditsToUsd);
        List<ChargeReading> charges;
        decimal[] balances;
        HashSet<string> conflicting;
        lock (_gate)
        {
            charges = [.. _charges.Values];
            balances = [.. _balances];
            conflicting = [.. _conflicting];
        }

        Array.Sort(balances);
        var shared = charges.GroupBy(c => c.Balance).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return charges
            .OrderBy(c => c.JobId, StringComparer.Ordinal)
            .Select(c => Attribute(c, balances, shared, conflicting, creditsToUsd))
            .ToList();
    }

    private static CreditAttribution Attribute(
        ChargeReading charge,
        decimal[] sortedBalances,
        HashSet<decimal> shared,
        HashSet<string> conflicting,
        Func<decimal, decimal> creditsToUsd)
    {
        if (conflicting.Contains(charge.JobId))
        {
            return new(charge.JobId, null, "its replies reported different balances");
        }

        if (shared.Contains(charge.Balance))
        {
            return new(charge.JobId, null, "another job reported the same balance");
        }

        var index = Array.BinarySearch(sortedBalances, charge.Balance);
        if (index < 0 || index + 1 >= sortedBalances.Length)
        {
            return new(charge.JobId, null, "no balance observed before its charge");
        }

        var delta = sortedBalances[index + 1] - charge.Balance;
        var usd = decimal.Round(creditsToUsd(delta), 6);
        if (usd <= 0)
        {
            return new(charge.JobId, null, "no positive balance change");
        }

        if (charge.EstimateUsd is not { } estimate)
        {
            return new(charge.JobId, null, "no estimate to check the balance change against");
        }

        return usd > estimate * MaxOverEstimate
            ? new(charge.JobId, null, $"balance change {usd} USD is far above the estimate {estimate} USD (other usage of the key?)")
            : new(charge.JobId, usd, null);
    }

    private sealed record ChargeReading(string JobId, decimal Balance, decimal? EstimateUsd);
}

/// <summary>A job's actual cost from balance deltas, or why it could not be attributed.</summary>
internal sealed record CreditAttribution(string JobId, decimal? ActualCostUsd, string? Reason);
