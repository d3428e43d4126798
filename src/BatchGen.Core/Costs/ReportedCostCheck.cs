namespace BatchGen.Core.Costs;

/// <summary>
/// Guards money totals against a provider-reported cost that cannot be right: more than <see cref="Factor"/> times
/// the estimate, or less than a <see cref="Factor"/>th of it (a credits unit mismatch reads 120000 credits as
/// $1,200 for one video). Such a figure is flagged and shown on its own; the estimate is what counts as spent.
/// </summary>
public static class ReportedCostCheck
{
    /// <summary>How far (either way) a reported cost may be from the estimate before it is flagged.</summary>
    public const decimal Factor = 3m;

    /// <summary>True when <paramref name="reportedUsd"/> is more than 3x away from a known, positive estimate.</summary>
    public static bool IsFlagged(decimal? estimateUsd, decimal? reportedUsd) =>
        estimateUsd is { } estimate && estimate > 0m && reportedUsd is { } reported
        && (reported > estimate * Factor || reported * Factor < estimate);

    /// <summary>What a charged job counts for: the reported cost unless flagged, else the estimate.</summary>
    public static decimal Counted(decimal? reportedUsd, decimal? estimateUsd) =>
        reportedUsd is { } reported && !IsFlagged(estimateUsd, reported) ? reported : estimateUsd ?? reportedUsd ?? 0m;

    /// <summary>One line for people: what was reported, against what, and what counts instead.</summary>
    public static string Explain(decimal estimateUsd, decimal reportedUsd)
    {
        var ratio = estimateUsd > 0m ? reportedUsd / estimateUsd : 0m;
        var how = ratio >= 1m
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ratio:0.#}x the estimate")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"1/{(reportedUsd > 0m ? estimateUsd / reportedUsd : 0m):0.#} of the estimate");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"reported ${reportedUsd:#,0.00####} against an estimate of ${estimateUsd:#,0.00####} ({how}, more than {Factor:0}x off): not counted as spent, the estimate is; check the provider's credit unit (reported_credit_usd) and pricing");
    }
}
