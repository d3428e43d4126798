namespace BatchGen.Core.Costs.Periods;

/// <summary>Spent and held (reservations of runs in flight) in one period, by every batch the period caps count.</summary>
public sealed record PeriodAmounts(decimal SpentUsd, decimal HeldUsd)
{
    /// <summary>What the caps check adds up: spent plus held.</summary>
    public decimal TotalUsd => SpentUsd + HeldUsd;
}

/// <summary>Where the period caps stand on <paramref name="Day"/> and in its month, as the caps check counts them.</summary>
public sealed record PeriodStanding(DateOnly Day, PeriodAmounts Today, PeriodAmounts ThisMonth);
