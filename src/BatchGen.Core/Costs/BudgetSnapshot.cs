namespace BatchGen.Core.Costs;

/// <summary>Spent and reserved money of one provider, with its optional cap.</summary>
public sealed record ProviderBudget(decimal SpentUsd, decimal ReservedUsd, decimal? CapUsd)
{
    /// <summary>What can still be reserved under this provider's cap; null when uncapped. Never negative.</summary>
    public decimal? RemainingUsd => CapUsd is { } cap ? Math.Max(0m, cap - SpentUsd - ReservedUsd) : null;
}

/// <summary>A consistent view of a <see cref="BudgetGate"/> (all figures taken under one lock).</summary>
public sealed record BudgetSnapshot(
    decimal SpentUsd,
    decimal ReservedUsd,
    decimal? MaxCostUsd,
    IReadOnlyDictionary<string, ProviderBudget> Providers)
{
    /// <summary>What can still be reserved under the global cap; null when uncapped. Never negative.</summary>
    public decimal? RemainingUsd => MaxCostUsd is { } cap ? Math.Max(0m, cap - SpentUsd - ReservedUsd) : null;
}
