using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BatchGen.Core.Reports;

/// <summary>
/// The review section of cost-report.md, contact-sheet.html and summary.json: per axis, the verdict (a winner only
/// when its 95% interval clears every other value's), then each value's pairwise score with its interval, win rate,
/// votes, mean rating with its interval and quality per dollar. Written only when the batch has votes or ratings.
/// </summary>
internal static class ReviewReport
{
    public static void Markdown(StringBuilder md, ReportModel model)
    {
        ChecksMarkdown(md, model);
        if (model.Review.Verdicts.Count == 0)
        {
            return;
        }

        md.Append("## Review: which value wins\n\n");
        md.Append("Pairwise votes ranked with a Bradley-Terry model (score 0 = average; 95% bootstrap intervals); ratings are 1-5 stars. ");
        md.Append("Quality per dollar = chance of beating another value / cost per success.\n\n");
        foreach (var verdict in model.Review.Verdicts)
        {
            md.Append("### ").Append(Cell(verdict.Axis)).Append("\n\n").Append(Cell(verdict.Summary)).Append("\n\n");
            md.Append("| ").Append(Cell(verdict.Axis)).Append(" | score | 95% interval | win rate | votes | mean rating | ratings | rejects | cost per success | quality per $ |\n");
            md.Append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var row in model.Review.Rows.Where(r => r.Axis == verdict.Axis))
            {
                var cost = model.Comparison.FirstOrDefault(c => c.Axis == row.Axis && c.Value == row.Value)?.CostPerSuccessUsd;
                md.Append("| ").Append(Cell(row.Value)).Append(row.IsWinner ? " (winner)" : string.Empty)
                    .Append(" | ").Append(Fixed(row.Score, 2))
                    .Append(" | ").Append(Interval(row.ScoreLow, row.ScoreHigh, 2))
                    .Append(" | ").Append(ReportFormat.Percent(row.WinRate))
                    .Append(" | ").Append(ReportFormat.Integer(row.Votes))
                    .Append(" | ").Append(Fixed(row.MeanRating, 2)).Append(row.MeanRatingLow is null ? string.Empty : " (" + Interval(row.MeanRatingLow, row.MeanRatingHigh, 2) + ")")
                    .Append(" | ").Append(ReportFormat.Integer(row.Ratings))
                    .Append(" | ").Append(ReportFormat.Integer(row.Rejects))
                    .Append(" | ").Append(cost is null ? "-" : "$" + ReportFormat.Money(cost))
                    .Append(" | ").Append(Fixed(ReviewColumns.PerDollar(row.WinProbability, cost), 3))
                    .Append(" |\n");
            }

            md.Append('\n');
        }
    }

    public static void Html(StringBuilder html, ReportModel model)
    {
        ChecksHtml(html, model);
        if (model.Review.Verdicts.Count == 0)
        {
            return;
        }

        html.Append("<h2>Review: which value wins</h2>\n<section class=\"review\">\n");
        foreach (var verdict in model.Review.Verdicts)
        {
            html.Append("<h3>").Append(HtmlText.Encode(verdict.Axis)).Append("</h3>\n<p>").Append(HtmlText.Encode(verdict.Summary)).Append("</p>\n");
            html.Append("<table><tr><th>value</th><th>score</th><th>95% interval</th><th>win rate</th><th>votes</th><th>mean rating</th><th>ratings</th><th>rejects</th></tr>\n");
            foreach (var row in model.Review.Rows.Where(r => r.Axis == verdict.Axis))
            {
                html.Append(row.IsWinner ? "<tr class=\"winner\">" : "<tr>")
                    .Append("<td>").Append(HtmlText.Encode(row.Value)).Append(row.IsWinner ? " &#10004;" : string.Empty).Append("</td>")
                    .Append("<td>").Append(Fixed(row.Score, 2)).Append("</td>")
                    .Append("<td>").Append(Interval(row.ScoreLow, row.ScoreHigh, 2)).Append("</td>")
                    .Append("<td>").Append(ReportFormat.Percent(row.WinRate)).Append("</td>")
                    .Append("<td>").Append(ReportFormat.Integer(row.Votes)).Append("</td>")
                    .Append("<td>").Append(Fixed(row.MeanRating, 2)).Append("</td>")
                    .Append("<td>").Append(ReportFormat.Integer(row.Ratings)).Append("</td>")
                    .Append("<td>").Append(ReportFormat.Integer(row.Rejects)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</section>\n");
    }

    public static void Json(Utf8JsonWriter writer, ReportModel model)
    {
        writer.WriteStartObject("review");
        writer.WriteStartArray("verdicts");
        foreach (var verdict in model.Review.Verdicts)
        {
            writer.WriteStartObject();
            writer.WriteString("axis", verdict.Axis);
            writer.WriteString("winner", verdict.Winner);
            writer.WriteNumber("votes", verdict.Votes);
            if (verdict.MoreVotesNeeded is { } more)
            {
                writer.WriteNumber("more_votes_needed", more);
            }
            else
            {
                writer.WriteNull("more_votes_needed");
            }

            writer.WriteString("summary", verdict.Summary);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("values");
        foreach (var row in model.Review.Rows)
        {
            writer.WriteStartObject();
            writer.WriteString("axis", row.Axis);
            writer.WriteString("value", row.Value);
            writer.WriteNumber("votes", row.Votes);
            Number(writer, "vote_score", row.Score, 4);
            Number(writer, "vote_score_low", row.ScoreLow, 4);
            Number(writer, "vote_score_high", row.ScoreHigh, 4);
            Number(writer, "vote_win_rate", row.WinRate, 4);
            Number(writer, "win_probability", row.WinProbability, 4);
            Number(writer, "mean_rating", row.MeanRating, 4);
            Number(writer, "mean_rating_low", row.MeanRatingLow, 4);
            Number(writer, "mean_rating_high", row.MeanRatingHigh, 4);
            writer.WriteNumber("ratings", row.Ratings);
            writer.WriteNumber("rejects", row.Rejects);
            writer.WriteBoolean("winner", row.IsWinner);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        var checks = Checked(model);
        writer.WriteStartObject("video_checks");
        writer.WriteNumber("checked", checks.Count);
        writer.WriteNumber("flagged", checks.Count(c => c.Check.Flags.Count > 0));
        writer.WriteStartArray("flagged_videos");
        foreach (var (jobId, check) in checks.Where(c => c.Check.Flags.Count > 0))
        {
            writer.WriteStartObject();
            writer.WriteString("job_id", jobId);
            writer.WriteStartArray("flags");
            foreach (var flag in check.Flags)
            {
                writer.WriteStringValue(flag);
            }

            writer.WriteEndArray();
            Number(writer, "black_fraction", check.BlackFraction, 4);
            Number(writer, "frozen_fraction", check.FrozenFraction, 4);
            writer.WriteNumber("scene_cuts", check.SceneCuts);
            Number(writer, "motion", check.Motion, 4);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The checked videos of the batch's jobs, by job id.</summary>
    private static IReadOnlyList<(string JobId, Reviews.VideoCheck Check)> Checked(ReportModel model) => model.Checked;

    private static void ChecksMarkdown(StringBuilder md, ReportModel model)
    {
        var checks = Checked(model);
        if (checks.Count == 0)
        {
            return;
        }

        var flagged = checks.Where(c => c.Check.Flags.Count > 0).ToList();
        md.Append("## Automatic video checks\n\n").Append(ReportFormat.Integer(checks.Count)).Append(" videos checked with ffmpeg (black frames, frozen frames, scene cuts, motion); ")
            .Append(ReportFormat.Integer(flagged.Count)).Append(" flagged.\n\n");
        if (flagged.Count > 0)
        {
            md.Append("| job | flags |\n|---|---|\n");
            foreach (var (jobId, check) in flagged)
            {
                md.Append("| ").Append(jobId).Append(" | ").Append(Cell(string.Join(", ", check.Flags))).Append(" |\n");
            }

            md.Append('\n');
        }
    }

    private static void ChecksHtml(StringBuilder html, ReportModel model)
    {
        var flagged = Checked(model).Where(c => c.Check.Flags.Count > 0).ToList();
        if (flagged.Count == 0)
        {
            return;
        }

        html.Append("<h2>Automatic video checks: flagged videos</h2>\n<table class=\"checks\"><tr><th>job</th><th>flags</th></tr>\n");
        foreach (var (jobId, check) in flagged)
        {
            html.Append("<tr><td>").Append(HtmlText.Encode(jobId)).Append("</td><td>").Append(HtmlText.Encode(string.Join(", ", check.Flags))).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value, int decimals)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, Math.Round(v, decimals));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Fixed(double? value, int decimals) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";

    private static string Interval(double? low, double? high, int decimals) =>
        low is null || high is null ? "-" : $"{Fixed(low, decimals)} to {Fixed(high, decimals)}";
}
