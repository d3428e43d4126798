namespace BatchGen.Core.Costs;

/// <summary>
/// Admits jobs against a global budget and optional per-provider caps, however many threads ask at once.
/// <para>
/// Before a submit the engine calls <see cref="TryReserve"/> with the job's estimated cost. The reservation is
/// granted only if, for the global cap and for the provider's cap, <c>spent + reserved + estimate &lt;= cap</c>.
/// Every reservation is later settled exactly once: <see cref="Commit"/> when the provider charged the job
/// (moving the charged amount, which may differ from the estimate, to spent) or <see cref="Release"/> when it
/// did not (failed before or without a charge). Settling an already settled reservation is a no-op that returns
/// false, so <c>try { ...; Commit } finally { Release }</c> is safe.
/// </para>
/// <para>
/// Invariant: as long as no commit charges more than its estimate, <c>spent + reserved</c> never exceeds any cap.
/// A commit above its estimate records what was really charged, and the gate learns the provider's rate: every later
/// reservation of that provider holds its estimate times the highest charge/estimate ratio seen, and the reservations
/// still open are raised to it at once (so a provider charging 3x under concurrency 50 cannot run past the cap on the
/// 49 submits already in flight admitting more). Spent may pass a cap only by the overrun of reservations admitted
/// before the first such charge. Amounts are exact decimals; no rounding happens here.
/// </para>
/// </summary>
public sealed class BudgetGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, decimal> _caps;
    private readonly Dictionary<string, decimal> _spentByProvider;
    private readonly Dictionary<string, decimal> _reservedByProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _rateByProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<BudgetReservation>> _openByProvider = new(StringComparer.Ordinal);
    private decimal _spent;
    private decimal _reserved;
    private long _sequence;

    /// <param name="maxCostUsd">Global cap in USD; null = no global cap.</param>
    /// <param name="perProviderCapsUsd">Caps per provider name; providers not listed are uncapped.</param>
    /// <param name="alreadySpentUsd">Money already spent by this batch (from the ledger, on resume).</param>
    /// <param name="alreadySpentByProviderUsd">The same per provider.</param>
    public BudgetGate(
        decimal? maxCostUsd,
        IReadOnlyDictionary<string, decimal> perProviderCapsUsd,
        decimal alreadySpentUsd,
        IReadOnlyDictionary<string, decimal> alreadySpentByProviderUsd)
    {
        ArgumentNullException.ThrowIfNull(perProviderCapsUsd);
        ArgumentNullException.ThrowIfNull(alreadySpentByProviderUsd);
        if (maxCostUsd < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCostUsd), maxCostUsd, "the budget cap must be zero or more");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(alreadySpentUsd);
        foreach (var (provider, cap) in perProviderCapsUsd)
        {
            if (cap < 0m)
            {
                throw new ArgumentOutOfRangeException(nameof(perProviderCapsUsd), cap, $"the budget cap of provider '{provider}' must be zero or more");
            }
        }

        MaxCostUsd = maxCostUsd;
        _caps = new Dictionary<string, decimal>(perProviderCapsUsd, StringComparer.Ordinal);
        _spentByProvider = new Dictionary<string, decimal>(alreadySpentByProviderUsd, StringComparer.Ordinal);
        _spent = alreadySpentUsd;
    }

    /// <summary>
    /// Told after each reservation is settled, outside the gate's lock: the charged amount, or null when released.
    /// Set before the first reservation (the period caps across batches listen here).
    /// </summary>
    public Action<BudgetReservation, decimal?>? Settled { get; set; }

    /// <summary>The global cap in USD; null when there is none.</summary>
    public decimal? MaxCostUsd { get; }

    /// <summary>Money charged so far (already spent at start plus every commit).</summary>
    public decimal SpentUsd
    {
        get
        {
            lock (_lock)
            {
                return _spent;
            }
        }
    }

    /// <summary>Money held by reservations not yet settled.</summary>
    public decimal ReservedUsd
    {
        get
        {
            lock (_lock)
            {
                return _reserved;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="estimatedUsd"/> for one job of <paramref name="provider"/>, or returns null when that
    /// would pass the global cap or the provider's cap. Use <see cref="RefusalReason"/> to say which.
    /// </summary>
    public BudgetReservation? TryReserve(string provider, decimal estimatedUsd)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedUsd);
        lock (_lock)
        {
            if (RefusalReasonLocked(provider, estimatedUsd) is not null)
            {
                return null;
            }

            return HoldLocked(provider, estimatedUsd);
        }
    }

    /// <summary>Reserves without checking the caps: only for jobs already submitted (resume, see <see cref="BudgetResume"/>).</summary>
    internal BudgetReservation ForceReserve(string provider, decimal estimatedUsd)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedUsd);
        lock (_lock)
        {
            return HoldLocked(provider, estimatedUsd);
        }
    }

    /// <summary>
    /// Why <see cref="TryReserve"/> would refuse this amount now (one line naming the cap), or null if it would
    /// grant it. Informational: another thread may change the answer right after.
    /// </summary>
    public string? RefusalReason(string provider, decimal estimatedUsd)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        lock (_lock)
        {
            return RefusalReasonLocked(provider, estimatedUsd);
        }
    }

    /// <summary>
    /// The provider charged the job: frees the reservation and adds <paramref name="actualUsd"/> (what was charged,
    /// the estimate when the provider does not report it) to spent. Returns false, changing nothing, when the
    /// reservation was already settled.
    /// </summary>
    public bool Commit(BudgetReservation reservation, decimal actualUsd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);
        lock (_lock)
        {
            if (!Settle(reservation))
            {
                return false;
            }

            LearnLocked(reservation.Provider, reservation.EstimatedUsd, actualUsd);
            _spent += actualUsd;
            _spentByProvider[reservation.Provider] = _spentByProvider.GetValueOrDefault(reservation.Provider) + actualUsd;
        }

        Settled?.Invoke(reservation, actualUsd);
        return true;
    }

    /// <summary>
    /// A charge of <paramref name="actualUsd"/> for a job estimated at <paramref name="estimatedUsd"/> was seen (this run
    /// or, on resume, in the ledger): when above the estimate, the provider's later admissions are priced at that rate.
    /// </summary>
    public void LearnCharge(string provider, decimal estimatedUsd, decimal actualUsd)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        lock (_lock)
        {
            LearnLocked(provider, estimatedUsd, actualUsd);
        }
    }

    /// <summary>The multiplier applied to this provider's estimates (1 until it charged more than estimated).</summary>
    public decimal RateOf(string provider)
    {
        lock (_lock)
        {
            return _rateByProvider.GetValueOrDefault(provider, 1m);
        }
    }

    /// <summary>
    /// The job was not charged: frees the reservation. Returns false, changing nothing, when the reservation was
    /// already settled.
    /// </summary>
    public bool Release(BudgetReservation reservation)
    {
        bool settled;
        lock (_lock)
        {
            settled = Settle(reservation);
        }

        if (settled)
        {
            Settled?.Invoke(reservation, null);
        }

        return settled;
    }

    /// <summary>Totals and per-provider figures, consistent with each other.</summary>
    public BudgetSnapshot Snapshot()
    {
        lock (_lock)
        {
            var names = _caps.Keys.Concat(_spentByProvider.Keys).Concat(_reservedByProvider.Keys)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            var providers = new SortedDictionary<string, ProviderBudget>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                providers[name] = new ProviderBudget(
                    _spentByProvider.GetValueOrDefault(name),
                    _reservedByProvider.GetValueOrDefault(name),
                    _caps.TryGetValue(name, out var cap) ? cap : null);
            }

            return new BudgetSnapshot(_spent, _reserved, MaxCostUsd, providers);
        }
    }

    /// <summary>True when this amount more would pass the global cap (as opposed to a provider's cap only).</summary>
    public bool WouldPassGlobalCap(decimal estimatedUsd)
    {
        lock (_lock)
        {
            return MaxCostUsd is { } max && _spent + _reserved + Priced(_rateByProvider, null, estimatedUsd) > max;
        }
    }

    private static decimal Priced(Dictionary<string, decimal> rates, string? provider, decimal estimatedUsd) =>
        provider is not null && rates.TryGetValue(provider, out var rate) ? estimatedUsd * rate : estimatedUsd;

    private BudgetReservation HoldLocked(string provider, decimal estimatedUsd)
    {
        var reservation = new BudgetReservation(this, ++_sequence, provider, estimatedUsd)
        {
            HeldUsd = Priced(_rateByProvider, provider, estimatedUsd),
        };
        _reserved += reservation.HeldUsd;
        _reservedByProvider[provider] = _reservedByProvider.GetValueOrDefault(provider) + reservation.HeldUsd;
        if (!_openByProvider.TryGetValue(provider, out var open))
        {
            open = [];
            _openByProvider[provider] = open;
        }

        open.Add(reservation);
        return reservation;
    }

    private void LearnLocked(string provider, decimal estimatedUsd, decimal actualUsd)
    {
        if (estimatedUsd <= 0m || actualUsd <= estimatedUsd)
        {
            return;
        }

        var rate = actualUsd / estimatedUsd;
        if (rate <= _rateByProvider.GetValueOrDefault(provider, 1m))
        {
            return;
        }

        _rateByProvider[provider] = rate;
        if (!_openByProvider.TryGetValue(provider, out var open))
        {
            return;
        }

        // Reservations still open are likely charged at the same rate: hold that much from now on.
        foreach (var reservation in open)
        {
            var raised = reservation.EstimatedUsd * rate;
            var delta = raised - reservation.HeldUsd;
            if (delta > 0m)
            {
                reservation.HeldUsd = raised;
                _reserved += delta;
                _reservedByProvider[provider] = _reservedByProvider.GetValueOrDefault(provider) + delta;
            }
        }
    }

    private string? RefusalReasonLocked(string provider, decimal estimatedUsd)
    {
        estimatedUsd = Priced(_rateByProvider, provider, estimatedUsd);
        if (MaxCostUsd is { } max && _spent + _reserved + estimatedUsd > max)
        {
            return $"budget: ${estimatedUsd} more would pass the cap of ${max} (spent ${_spent}, reserved ${_reserved})";
        }

        if (_caps.TryGetValue(provider, out var cap))
        {
            var spent = _spentByProvider.GetValueOrDefault(provider);
            var reserved = _reservedByProvider.GetValueOrDefault(provider);
            if (spent + reserved + estimatedUsd > cap)
            {
                return $"budget: ${estimatedUsd} more would pass the {provider} cap of ${cap} (spent ${spent}, reserved ${reserved})";
            }
        }

        return null;
    }

    private bool Settle(BudgetReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!ReferenceEquals(reservation.Owner, this))
        {
            throw new ArgumentException("the reservation belongs to another budget gate", nameof(reservation));
        }

        if (reservation.IsSettled)
        {
            return false;
        }

        reservation.IsSettled = true;
        _reserved -= reservation.HeldUsd;
        _reservedByProvider[reservation.Provider] -= reservation.HeldUsd;
        _openByProvider[reservation.Provider].Remove(reservation);
        return true;
    }
}
