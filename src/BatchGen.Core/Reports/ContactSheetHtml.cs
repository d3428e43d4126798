using System.Text;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// contact-sheet.html: one self-contained page (inline CSS and script, no network). A grid of jobs by two axes,
/// each cell a playable video with its parameters and cost, play/pause all, one filter per axis, and cost and
/// latency bar charts per axis. Every text and attribute value goes through <see cref="HtmlText.Encode"/>; the
/// job data for the script is JSON with &lt;, &gt;, &amp; and U+2028/U+2029 escaped.
/// </summary>
internal static class ContactSheetHtml
{
    /// <summary>Spills the page built so far to the file past this many characters (no page is built whole in memory).</summary>
    private const int SpillAt = 64 * 1024;

    public static string Render(ReportModel model, ContactSheetLayout layout, string reportDirectory, ContactSheetPage? page = null)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(model, layout, reportDirectory, page, text);
        return text.ToString();
    }

    /// <summary>Writes the page to <paramref name="output"/> as it is built.</summary>
    public static void Write(ReportModel model, ContactSheetLayout layout, string reportDirectory, ContactSheetPage? page, TextWriter output)
    {
        var html = new StringBuilder(SpillAt + (16 * 1024));
        var title = model.Input.BatchName + " · contact sheet";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; media-src 'self' file: blob:" + (model.Input.Links is null ? string.Empty : " https: http:") + "; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n")
            .Append("<title>").Append(HtmlText.Encode(title)).Append("</title>\n<style>\n")
            .Append(ContactSheetAssets.Css).Append("\n</style>\n</head>\n<body data-ready=\"0\">\n");
        Header(html, model);
        if (page is not null)
        {
            Pages(html, page);
        }

        html.Append("<main>\n");
        Grid(html, model, layout, reportDirectory, output);
        html.Append("<h2>Cost and latency by axis</h2>\n<section class=\"charts\">\n");
        foreach (var dimension in model.Dimensions)
        {
            output.Write(html);
            html.Clear();
            var rows = model.Comparison.Where(r => r.Axis == dimension).ToList();
            SvgBarChart.Render(html, $"Cost per success by {dimension} (USD)", "cost", rows.Select(r => (r.Value, (double?)r.CostPerSuccessUsd, r.CostPerSuccessUsd is { } c ? Text.HumanText.Usd(c) : "n/a")).ToList());
            SvgBarChart.Render(html, $"Latency p50 by {dimension} (s)", "latency", rows.Select(r => (r.Value, r.LatencyP50Seconds, ReportFormat.Seconds(r.LatencyP50Seconds) + " s")).ToList());
        }

        html.Append("</section>\n");
        ReviewReport.Html(html, model);
        html.Append("<footer>Generated ").Append(HtmlText.Encode(ReportFormat.Time(model.Input.GeneratedAt)))
            .Append(" by batchgen report. Videos are linked by relative path; keep this page next to the batch output.")
            .Append(StoredNote(model)).Append("</footer>\n</main>\n");
        html.Append("<script type=\"application/json\" id=\"job-data\">").Append(JobData(model)).Append("</script>\n");
        html.Append("<script>\n").Append(ContactSheetAssets.Script).Append("\n</script>\n</body>\n</html>\n");
        output.Write(html);
    }

    /// <summary>Where this page is among the batch's pages, with a link to each (only when the sheet has several).</summary>
    private static void Pages(StringBuilder html, ContactSheetPage page)
    {
        html.Append("<nav class=\"pages\" style=\"padding:8px 24px;background:#fff;border-bottom:1px solid #e3e6eb;color:#667085\">")
            .Append("Page <b>").Append(page.Number).Append("</b> of ").Append(page.Count).Append(": jobs ")
            .Append(Thousands(page.FirstJob)).Append('-').Append(Thousands(page.LastJob)).Append(" of ")
            .Append(Thousands(page.TotalJobs)).Append(" in id order (a spread over every axis); the counts, filters and charts on this page are its own, ")
            .Append("the batch's totals are in cost-report.md")
            .Append(page.Number == 1 ? string.Empty : " and the review rankings on page 1").Append(". Pages:");
        for (var n = 1; n <= page.Count; n++)
        {
            html.Append(' ');
            if (n == page.Number)
            {
                html.Append("<b aria-current=\"page\">").Append(n).Append("</b>");
            }
            else
            {
                html.Append("<a href=\"").Append(ContactSheetPage.FileName(n)).Append("\">").Append(n).Append("</a>");
            }
        }

        html.Append("</nav>\n");
    }

    private static string Thousands(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the links to stored videos are and how long they work.</summary>
    private static string StoredNote(ReportModel model) => model.Input.Links switch
    {
        null => string.Empty,
        { ExpiresAt: null } => " Videos removed locally play from the output store's public URL.",
        var links => " Videos removed locally play from the output store through presigned links valid until " + HtmlText.Encode(links.ExpiresText) + "; 'batchgen report' makes new ones.",
    };

    /// <summary>The last job count <see cref="BoldJobs"/> wrote: the pages of a large sheet all hold the same number of jobs.</summary>
    private static BoldCount? _lastJobs;

    /// <summary>"&lt;b&gt;1&lt;/b&gt; job", "&lt;b&gt;1,000&lt;/b&gt; jobs" (Humanizer's pluralising costs about a millisecond a call).</summary>
    private static string BoldJobs(long count)
    {
        if (_lastJobs is { } last && last.Count == count)
        {
            return last.Text;
        }

        var text = Text.HumanText.Quantity(count, "job");
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var bold = "<b>" + text[..space] + "</b>" + text[space..];
        _lastJobs = new BoldCount(count, bold);
        return bold;
    }

    private sealed record BoldCount(long Count, string Text);

    private static void Header(StringBuilder html, ReportModel model)
    {
        var t = model.Total;
        html.Append("<header>\n<h1>").Append(HtmlText.Encode(model.Input.BatchName)).Append("</h1>\n<p class=\"meta\">")
            .Append(BoldJobs(t.Jobs)).Append(" · <b>").Append(t.Succeeded).Append("</b> succeeded · <b>")
            .Append(t.Failed).Append("</b> failed · <b>").Append(t.InFlight + t.NotSubmitted).Append("</b> not finished · spent <b>")
            .Append(Text.HumanText.Usd(t.SpentUsd)).Append("</b> of ").Append(Text.HumanText.Usd(t.EstimatedUsd)).Append(" estimated")
            .Append(t.CostPerSuccessUsd is { } cps ? " · " + Text.HumanText.Usd(cps) + " per video" : string.Empty)
            .Append(model.Input.Simulated ? " · <b class=\"simulated\">simulated</b>: no money was spent" : string.Empty)
            .Append("</p>\n<div class=\"toolbar\">\n<button type=\"button\" id=\"play-all\">▶ Play all</button>\n")
            .Append("<button type=\"button\" id=\"pause-all\" class=\"secondary\">❚❚ Pause all</button>\n");
        foreach (var dimension in model.Dimensions)
        {
            var axis = HtmlText.Encode(dimension);
            html.Append("<label>").Append(axis).Append(" <select data-axis=\"").Append(axis).Append("\"><option value=\"\">all</option>");
            foreach (var value in model.ValuesOf(dimension))
            {
                var v = HtmlText.Encode(value);
                html.Append("<option value=\"").Append(v).Append("\">").Append(v).Append("</option>");
            }

            html.Append("</select></label>\n");
        }

        html.Append("<span id=\"shown\"></span>\n</div>\n</header>\n");
    }

    private static void Grid(StringBuilder html, ReportModel model, ContactSheetLayout layout, string reportDirectory, TextWriter output)
    {
        var rowValues = layout.RowAxis is { } r ? model.ValuesOf(r) : [string.Empty];
        var columnValues = layout.ColumnAxis is { } c ? model.ValuesOf(c) : [string.Empty];
        var cells = model.Jobs
            .Select((job, i) => (job, i))
            .ToLookup(x => (
                layout.RowAxis is null ? string.Empty : JobAxes.ValueOf(x.job, layout.RowAxis),
                layout.ColumnAxis is null ? string.Empty : JobAxes.ValueOf(x.job, layout.ColumnAxis)));
        html.Append("<div class=\"scroll\">\n<table class=\"sheet\">\n<thead><tr><th>")
            .Append(HtmlText.Encode(layout.RowAxis ?? string.Empty)).Append(layout.RowAxis is not null && layout.ColumnAxis is not null ? " \\ " : string.Empty)
            .Append(HtmlText.Encode(layout.ColumnAxis ?? string.Empty)).Append("</th>");
        foreach (var column in columnValues)
        {
            html.Append("<th scope=\"col\">").Append(HtmlText.Encode(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rowValues)
        {
            html.Append("<tr data-row=\"").Append(HtmlText.Encode(row)).Append("\"><th scope=\"row\" class=\"row\">").Append(HtmlText.Encode(row)).Append("</th>\n");
            foreach (var column in columnValues)
            {
                html.Append("<td class=\"cell\">");
                foreach (var (job, i) in cells[(row, column)])
                {
                    Card(html, model, layout, job, i, reportDirectory);
                    if (html.Length >= SpillAt)
                    {
                        output.Write(html);
                        html.Clear();
                    }
                }

                html.Append("</td>\n");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void Card(StringBuilder html, ReportModel model, ContactSheetLayout layout, LedgerJob job, int index, string reportDirectory)
    {
        var state = ResultColumns.StateName(job.State);
        html.Append("<figure class=\"card\" data-job=\"").Append(index).Append("\"><div class=\"media\">");
        var file = job.FilePath ?? (job.State == JobState.Succeeded ? job.Spec.OutputPath : null);
        if (job.State == JobState.Succeeded && file is not null)
        {
            var first = job.Outputs.FirstOrDefault(o => o.Index == 1);
            html.Append("<video src=\"").Append(HtmlText.Encode(Source(model, first, file, reportDirectory))).Append("\" controls muted loop playsinline preload=\"metadata\" title=\"")
                .Append(HtmlText.Encode(job.Id)).Append("\"></video><span class=\"badge corner ").Append(state).Append("\">").Append(state).Append("</span>");
            if (job.Video?.Warning is { } warning)
            {
                html.Append("<span class=\"badge warn\" title=\"").Append(HtmlText.Encode(warning)).Append("\">⚠ ")
                    .Append(HtmlText.Encode(job.Video.FrameSize)).Append("</span>");
            }
            MoreOutputs(html, model, job, reportDirectory);
        }
        else
        {
            html.Append("<div class=\"placeholder\"><span class=\"badge ").Append(state).Append("\">").Append(state).Append("</span>");
            if (job.ErrorMessage is not null || job.ErrorCode is not null)
            {
                html.Append("<p class=\"error\">").Append(HtmlText.Encode(job.ErrorCode is null ? job.ErrorMessage : $"{job.ErrorCode}: {job.ErrorMessage}")).Append("</p>");
            }

            html.Append("</div>");
        }

        html.Append("</div>");
        var p = job.Spec.Parameters;
        html.Append("<figcaption class=\"body\"><p class=\"prompt\" title=\"").Append(HtmlText.Encode(p.Prompt)).Append("\">")
            .Append(HtmlText.Encode(p.Prompt)).Append("</p><ul class=\"params\">");
        foreach (var dimension in model.Dimensions.Where(d => d != layout.RowAxis && d != layout.ColumnAxis))
        {
            html.Append("<li>").Append(HtmlText.Encode(dimension)).Append(": ").Append(HtmlText.Encode(JobAxes.ValueOf(job, dimension))).Append("</li>");
        }

        html.Append("<li>").Append(HtmlText.Encode(JobAxes.ResolutionDuration(job))).Append("</li><li>").Append(HtmlText.Encode(p.AspectRatio)).Append("</li>");
        html.Append("</ul><div class=\"facts\"><span><span class=\"cost\">")
            .Append(Text.HumanText.Usd(CostRules.Spent(job, model.Input.ChargeFailedProviders)))
            .Append("</span> spent").Append(model.Input.Simulated ? " (simulated)" : string.Empty)
            .Append(" · est. ").Append(Text.HumanText.Usd(CostRules.Estimate(job)))
            .Append(CostRules.IsFlagged(job) ? " · <b class=\"flagged\" title=\"" + HtmlText.Encode(Costs.ReportedCostCheck.Explain(job.EstimatedCostUsd!.Value, job.ActualCostUsd!.Value)) + "\">reported " + Text.HumanText.Usd(job.ActualCostUsd!.Value) + ", flagged</b>" : string.Empty)
            .Append("</span>");
        if (CostRules.LatencySeconds(job) is { } latency)
        {
            html.Append("<span>").Append(ReportFormat.Seconds(latency)).Append(" s</span>");
        }

        html.Append("</div>");
        if (job.Video?.Warning is { } differs)
        {
            html.Append("<p class=\"warning\">⚠ video ").Append(HtmlText.Encode(differs)).Append("</p>");
        }

        html.Append("<div class=\"id\">").Append(HtmlText.Encode(job.Id)).Append(" · ").Append(HtmlText.Encode(job.Provider))
            .Append("</div></figcaption></figure>\n");
    }

    /// <summary>A job with several output files (Pixwith <c>num_outputs</c>): the others, small, under the first.</summary>
    private static void MoreOutputs(StringBuilder html, ReportModel model, LedgerJob job, string reportDirectory)
    {
        var outputs = ReportOutputs.Saved(job);
        if (outputs.Count < 2)
        {
            return;
        }

        html.Append("<div class=\"outputs\" title=\"").Append(outputs.Count).Append(" outputs\">");
        foreach (var output in outputs.Skip(1))
        {
            var label = $"output {output.Index} of {outputs.Count}: {output.FilePath}";
            html.Append("<figure class=\"output\"><video src=\"").Append(HtmlText.Encode(Source(model, output, output.FilePath!, reportDirectory)))
                .Append("\" controls muted loop playsinline preload=\"metadata\" title=\"").Append(HtmlText.Encode(label)).Append("\"></video>")
                .Append("<figcaption>#").Append(output.Index).Append("</figcaption></figure>");
        }

        html.Append("</div>");
    }

    /// <summary>The local file when it is there, else the stored object's link (public or presigned), else the local path.</summary>
    private static string Source(ReportModel model, LedgerOutput? output, string file, string reportDirectory)
    {
        var local = Path.Combine(model.Input.OutputRoot ?? reportDirectory, file);
        return output is not null && model.Input.Links is { } links && !File.Exists(local) && links.For(output) is { } link
            ? link
            : Href(model, file, reportDirectory);
    }

    private static string Href(ReportModel model, string file, string reportDirectory)
    {
        var full = Path.GetFullPath(Path.Combine(model.Input.OutputRoot ?? reportDirectory, file));
        return HtmlText.RelativeUrl(Path.GetRelativePath(reportDirectory, full));
    }

    private static string JobData(ReportModel model) => ReportJson.ToCompactString(
        writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("jobs");
            foreach (var job in model.Jobs)
            {
                writer.WriteStartObject();
                writer.WriteString("id", job.Id);
                writer.WriteStartObject("axes");
                foreach (var dimension in model.Dimensions)
                {
                    writer.WriteString(dimension, JobAxes.ValueOf(job, dimension));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        },
        ReportJson.HtmlOptions);
}
