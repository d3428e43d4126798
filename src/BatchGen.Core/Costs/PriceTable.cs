using BatchGen.Core.Jobs;

namespace BatchGen.Core.Costs;

/// <summary>
/// What one job costs on one provider: a base price per resolution x duration plus add-ons, in USD or in the
/// provider's credits with a conversion rate. Multiplied by <see cref="JobParameters.NumOutputs"/> where set.
/// </summary>
public sealed class PriceTable
{
    /// <summary><c>usd</c> or <c>credits</c>.</summary>
    public string Unit { get; set; } = PriceUnits.Usd;

    /// <summary>USD value of one credit when <see cref="Unit"/> is <c>credits</c>.</summary>
    public decimal UsdPerCredit { get; set; } = 1m;

    /// <summary>resolution -> duration (s) -> price in <see cref="Unit"/>.</summary>
    public Dictionary<string, Dictionary<int, decimal>> Base { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Added when <see cref="JobParameters.Audio"/> is true, in <see cref="Unit"/>.</summary>
    public decimal AudioAddOn { get; set; }

    /// <summary>Added when <see cref="JobParameters.MultiClip"/> is true, in <see cref="Unit"/>.</summary>
    public decimal MultiClipAddOn { get; set; }

    /// <summary>Converts an amount in <see cref="Unit"/> to USD.</summary>
    public decimal ToUsd(decimal amount) => Unit == PriceUnits.Credits ? amount * UsdPerCredit : amount;

    /// <summary>The estimated USD cost of a job, or null when the table has no price for its resolution x duration.</summary>
    public decimal? EstimateUsd(JobParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Base.TryGetValue(parameters.Resolution, out var byDuration)
            || !byDuration.TryGetValue(parameters.Duration, out var price))
        {
            return null;
        }

        if (parameters.Audio == true)
        {
            price += AudioAddOn;
        }

        if (parameters.MultiClip == true)
        {
            price += MultiClipAddOn;
        }

        price *= parameters.NumOutputs ?? 1;
        return decimal.Round(ToUsd(price), 6);
    }

    public PriceTable Clone() => new()
    {
        Unit = Unit,
        UsdPerCredit = UsdPerCredit,
        Base = Base.ToDictionary(kv => kv.Key, kv => new Dictionary<int, decimal>(kv.Value), StringComparer.Ordinal),
        AudioAddOn = AudioAddOn,
        MultiClipAddOn = MultiClipAddOn,
    };
}

public static class PriceUnits
{
    public const string Usd = "usd";
    public const string Credits = "credits";
}
