using System.Globalization;
using BatchGen.Core.Reviews;

namespace BatchGen.Core.Reports;

/// <summary>
/// The review figures of an axis value as report columns, beside its cost figures. Quality per dollar:
/// <c>quality_per_usd</c> = modelled chance of beating another value of the axis / cost per success;
/// <c>rating_per_usd</c> = mean stars / cost per success. Empty cells where there are no votes or ratings.
/// </summary>
internal static class ReviewColumns
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "vote_score", "vote_score_low", "vote_score_high", "votes", "vote_win_rate", "win_probability",
        "mean_rating", "mean_rating_low", "mean_rating_high", "ratings", "rejects", "quality_per_usd", "rating_per_usd", "winner",
    ];

    public static IReadOnlyList<string> Cells(RankingRow? row, decimal? costPerSuccessUsd)
    {
        if (row is null)
        {
            return Enumerable.Repeat(string.Empty, Header.Count).ToList();
        }

        return
        [
            Number(row.Score, 3), Number(row.ScoreLow, 3), Number(row.ScoreHigh, 3), ReportFormat.Integer(row.Votes), ReportFormat.Ratio(row.WinRate),
            ReportFormat.Ratio(row.WinProbability), Number(row.MeanRating, 2), Number(row.MeanRatingLow, 2), Number(row.MeanRatingHigh, 2),
            ReportFormat.Integer(row.Ratings), ReportFormat.Integer(row.Rejects), Number(PerDollar(row.WinProbability, costPerSuccessUsd), 4),
            Number(PerDollar(row.MeanRating, costPerSuccessUsd), 4), row.IsWinner ? "yes" : string.Empty,
        ];
    }

    public static double? PerDollar(double? quality, decimal? costPerSuccessUsd) =>
        quality is { } q && costPerSuccessUsd is { } c && c > 0 ? q / (double)c : null;

    private static string Number(double? value, int decimals) =>
        value is { } v ? Math.Round(v, decimals).ToString(CultureInfo.InvariantCulture) : string.Empty;
}
