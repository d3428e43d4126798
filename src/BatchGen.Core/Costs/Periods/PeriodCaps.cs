namespace BatchGen.Core.Costs.Periods;

/// <summary><c>budget.max_cost_per_day</c> and <c>budget.max_cost_per_month</c> in USD; null = no such cap.</summary>
public sealed record PeriodCaps(decimal? PerDayUsd, decimal? PerMonthUsd)
{
    public bool IsEmpty => PerDayUsd is null && PerMonthUsd is null;
}
