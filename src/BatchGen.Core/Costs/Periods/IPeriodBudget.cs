namespace BatchGen.Core.Costs.Periods;

/// <summary>
/// A cap on spend over a period across batches (per day, per month), checked before every submit after the batch's
/// own cap. Every reservation it granted is settled through <see cref="Settle"/> when the batch's gate settles it.
/// </summary>
public interface IPeriodBudget
{
    /// <summary>Holds the reservation's estimate against the period caps: null when granted, else why not (one line).</summary>
    string? TryReserve(BudgetReservation reservation);

    /// <summary>The batch's gate settled a reservation: charged (<paramref name="chargedUsd"/>) or released (null).</summary>
    void Settle(BudgetReservation reservation, decimal? chargedUsd);
}
