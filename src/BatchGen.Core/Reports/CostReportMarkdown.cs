using System.Text;

namespace BatchGen.Core.Reports;

/// <summary>cost-report.md: totals, one table per breakdown (with a total row), the A/B comparison, definitions.</summary>
internal static class CostReportMarkdown
{
    /// <summary>Spills the text built so far to the file past this many characters (a report stays small in memory).</summary>
    private const int SpillAt = 32 * 1024;

    public static string Render(ReportModel model)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(model, text);
        return text.ToString();
    }

    public static void Write(ReportModel model, TextWriter output)
    {
        var md = new StringBuilder();
        var t = model.Total;
        md.Append("# Cost report: ").Append(Cell(model.Input.BatchName)).Append("\n\n");
        md.Append("Generated ").Append(ReportFormat.Time(model.Input.GeneratedAt)).Append(" from ")
            .Append(ReportFormat.Integer(t.Jobs)).Append(" ledger rows. Amounts in USD, rounded to cents (cost-report.csv and summary.json keep full precision).\n\n");
        if (model.Input.Simulated)
        {
            md.Append("**Simulated**: this batch ran against the BatchGen simulator. No money was spent; every amount below is simulated.\n\n");
        }

        md.Append("## Totals\n\n| | |\n|---|---:|\n");
        Line(md, "Jobs", ReportFormat.Integer(t.Jobs));
        Line(md, "Succeeded", ReportFormat.Integer(t.Succeeded));
        Line(md, "Failed", ReportFormat.Integer(t.Failed));
        Line(md, "In flight", ReportFormat.Integer(t.InFlight));
        Line(md, "Not submitted (pending, blocked)", ReportFormat.Integer(t.NotSubmitted));
        Line(md, "Estimated, all jobs", Usd(t.EstimatedUsd));
        Line(md, "Spent", Usd(t.SpentUsd) + Sim(model));
        Line(md, "Estimate of the charged jobs", Usd(t.ChargedEstimateUsd));
        Line(md, "Reported by providers (part of spent)", Usd(t.ActualReportedUsd));
        Line(md, "Remaining, estimated", Usd(t.RemainingEstimateUsd) + Sim(model) + RemainingNote(t));
        if (t.FlaggedJobs > 0)
        {
            Line(md, "Flagged: reported by providers, more than 3x from the estimate (not in spent)", Usd(t.FlaggedReportedUsd) + " for " + Text.HumanText.Quantity(t.FlaggedJobs, "job"));
        }
        Line(md, "Cost per successful video", Usd(t.CostPerSuccessUsd));
        md.Append('\n');
        AppendFlagged(md, model, output);

        foreach (var section in model.Sections)
        {
            md.Append("## ").Append(Cell(section.Title)).Append("\n\n");
            md.Append("| ").Append(Cell(section.Dimension))
                .Append(" | jobs | succeeded | failed | in flight | not submitted | estimated | charged estimate | spent | cost per success |\n");
            md.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var row in section.Rows)
            {
                CostRow(md, Cell(row.Key), row);
                Spill(md, output);
            }

            CostRow(md, "**total**", section.Total);
            md.Append('\n');
        }

        md.Append("## A/B comparison\n\n");
        md.Append("Success rate = succeeded / (succeeded + failed). Latency = completed - submitted, succeeded jobs, nearest-rank percentiles.\n\n");
        foreach (var group in model.Comparison.GroupBy(r => r.Axis, StringComparer.Ordinal))
        {
            md.Append("### ").Append(Cell(group.Key)).Append("\n\n");
            md.Append("| ").Append(Cell(group.Key)).Append(" | jobs | succeeded | failed | success rate | latency p50 | latency p95 | spent | cost per success |\n");
            md.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in group)
            {
                md.Append("| ").Append(Cell(r.Value))
                    .Append(" | ").Append(ReportFormat.Integer(r.Jobs))
                    .Append(" | ").Append(ReportFormat.Integer(r.Succeeded))
                    .Append(" | ").Append(ReportFormat.Integer(r.Failed))
                    .Append(" | ").Append(ReportFormat.Percent(r.SuccessRate))
                    .Append(" | ").Append(Latency(r.LatencyP50Seconds))
                    .Append(" | ").Append(Latency(r.LatencyP95Seconds))
                    .Append(" | ").Append(Usd(r.SpentUsd))
                    .Append(" | ").Append(Usd(r.CostPerSuccessUsd))
                    .Append(" |\n");
                Spill(md, output);
            }

            md.Append('\n');
        }

        ReviewReport.Markdown(md, model);
        var differing = model.Differing;
        if (differing.Count > 0)
        {
            md.Append("## Videos that differ from the request\n\n");
            md.Append("Kept and counted as succeeded (they are paid for); the provider chose another frame size or duration.\n\n");
            md.Append("| job | provider | file | video |\n|---|---|---|---|\n");
            foreach (var j in differing)
            {
                md.Append("| ").Append(Cell(j.Id)).Append(" | ").Append(Cell(j.Provider)).Append(" | ").Append(Cell(j.FilePath))
                    .Append(" | ").Append(Cell(j.Warning)).Append(" |\n");
                Spill(md, output);
            }

            md.Append('\n');
        }

        md.Append("## Definitions\n\n");
        md.Append("- **Spent**: per job, the cost the provider reported when it reported one; otherwise the estimate when the video was generated; ");
        md.Append("otherwise the estimate when the job failed after submission on a provider configured to charge failed jobs; otherwise nothing.\n");
        md.Append("- **Estimated**: the price table's estimate, recorded before submission. **Charged estimate**: the estimates of the jobs counted as spent, to compare with spent.\n");
        md.Append("- **Remaining, estimated**: estimates of jobs not yet charged and not failed (pending, blocked, in flight), jobs never submitted included (priced with the batch's price table).\n");
        md.Append("- **Flagged**: a cost a provider reported that is more than 3x above or below the estimate (a credits unit mismatch, say). It is listed apart and not added to spent; the job's estimate counts instead.\n");
        md.Append("- **Cost per success**: spent / succeeded videos (failed charged jobs included in spent).\n");
        output.Write(md);
    }

    private static void Spill(StringBuilder md, TextWriter output)
    {
        if (md.Length >= SpillAt)
        {
            output.Write(md);
            md.Clear();
        }
    }

    private static string Sim(ReportModel model) => model.Input.Simulated ? " (simulated)" : string.Empty;

    private static string RemainingNote(CostGroup t)
    {
        if (t.RemainingJobs == 0)
        {
            return string.Empty;
        }

        var jobs = Text.HumanText.Quantity(t.RemainingJobs, "job");
        return t.RemainingUnpriced > 0 ? $" for {jobs} ({ReportFormat.Integer(t.RemainingUnpriced)} with no price, not included)" : $" for {jobs}";
    }

    /// <summary>Every job whose reported cost was flagged, with why, so nothing is summed silently.</summary>
    private static void AppendFlagged(StringBuilder md, ReportModel model, TextWriter output)
    {
        var flagged = model.Flagged;
        if (flagged.Count == 0)
        {
            return;
        }

        md.Append("## Flagged provider-reported costs\n\n| job | provider | estimate | reported | why |\n|---|---|---:|---:|---|\n");
        foreach (var job in flagged)
        {
            md.Append("| ").Append(Cell(job.Id)).Append(" | ").Append(Cell(job.Provider))
                .Append(" | ").Append(Usd(job.EstimatedCostUsd)).Append(" | ").Append(Usd(job.ActualCostUsd))
                .Append(" | ").Append(Cell(Costs.ReportedCostCheck.Explain(job.EstimatedCostUsd, job.ActualCostUsd))).Append(" |\n");
            Spill(md, output);
        }

        md.Append('\n');
    }

    private static void CostRow(StringBuilder md, string label, CostGroup g) =>
        md.Append("| ").Append(label)
            .Append(" | ").Append(ReportFormat.Integer(g.Jobs))
            .Append(" | ").Append(ReportFormat.Integer(g.Succeeded))
            .Append(" | ").Append(ReportFormat.Integer(g.Failed))
            .Append(" | ").Append(ReportFormat.Integer(g.InFlight))
            .Append(" | ").Append(ReportFormat.Integer(g.NotSubmitted))
            .Append(" | ").Append(Usd(g.EstimatedUsd))
            .Append(" | ").Append(Usd(g.ChargedEstimateUsd))
            .Append(" | ").Append(Usd(g.SpentUsd))
            .Append(" | ").Append(Usd(g.CostPerSuccessUsd))
            .Append(" |\n");

    private static void Line(StringBuilder md, string label, string value) =>
        md.Append("| ").Append(label).Append(" | ").Append(value).Append(" |\n");

    /// <summary>Money for people: two decimals (the CSV and JSON reports keep full precision).</summary>
    private static string Usd(decimal? usd) => usd is { } value ? Text.HumanText.Usd(value) : "n/a";

    private static string Latency(double? seconds) => seconds is { } s ? ReportFormat.Seconds(s) + " s" : "n/a";

    /// <summary>Text safe in a Markdown table cell: no line breaks, pipes escaped, HTML tags shown as text.</summary>
    internal static string Cell(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '|': builder.Append("\\|"); break;
                case '\\': builder.Append("\\\\"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '\r' or '\n' or '\u2028' or '\u2029': builder.Append(' '); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }
}
