namespace BatchGen.Core.Costs;

/// <summary>
/// Money held by a <see cref="BudgetGate"/> for one job between admission and the provider's charge.
/// Settle it exactly once with <see cref="BudgetGate.Commit"/> or <see cref="BudgetGate.Release"/>.
/// </summary>
public sealed class BudgetReservation
{
    internal BudgetReservation(BudgetGate owner, long sequence, string provider, decimal estimatedUsd)
    {
        Owner = owner;
        Sequence = sequence;
        Provider = provider;
        EstimatedUsd = estimatedUsd;
        HeldUsd = estimatedUsd;
    }

    /// <summary>The provider whose cap (and the global cap) this reservation counts against.</summary>
    public string Provider { get; }

    /// <summary>The job's estimate, in USD.</summary>
    public decimal EstimatedUsd { get; }

    /// <summary>The amount held, in USD: the estimate, raised when the provider was seen charging more (under the gate's lock).</summary>
    public decimal HeldUsd { get; internal set; }

    /// <summary>1-based order of admission in its gate (for logs).</summary>
    public long Sequence { get; }

    /// <summary>True once committed or released. Read under the gate's lock.</summary>
    public bool IsSettled { get; internal set; }

    internal BudgetGate Owner { get; }
}
