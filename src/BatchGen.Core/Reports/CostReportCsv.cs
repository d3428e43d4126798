namespace BatchGen.Core.Reports;

/// <summary>cost-report.csv (every breakdown with its total row) and ab-comparison.csv.</summary>
internal static class CostReportCsv
{
    private static readonly string[] CostHeader =
    [
        "section", "dimension", "key", "jobs", "succeeded", "failed", "in_flight", "not_submitted",
        "estimated_usd", "charged_estimate_usd", "spent_usd", "actual_reported_usd", "remaining_estimate_usd", "cost_per_success_usd",
    ];

    private static readonly string[] AbHeader =
    [
        "axis", "value", "jobs", "succeeded", "failed", "success_rate", "latency_p50_s", "latency_p95_s", "spent_usd", "cost_per_success_usd",
    ];

    public static Task WriteCostsAsync(ReportModel model, TextWriter output, CancellationToken cancellationToken) =>
        CsvTable.WriteAsync(output, CostHeader, CostRows(model), cancellationToken);

    /// <summary>The rows one at a time (a breakdown by a per-job axis has as many rows as jobs).</summary>
    private static IEnumerable<IReadOnlyList<string>> CostRows(ReportModel model)
    {
        yield return Row("overall", "all", model.Total);
        foreach (var section in model.Sections)
        {
            foreach (var row in section.Rows)
            {
                yield return Row(section.Title, section.Dimension, row);
            }

            yield return Row(section.Title, section.Dimension, section.Total);
        }
    }

    public static Task WriteComparisonAsync(ReportModel model, TextWriter output, CancellationToken cancellationToken) =>
        CsvTable.WriteAsync(output, [.. AbHeader, .. ReviewColumns.Header], model.Comparison.Select(r => (IReadOnlyList<string>)
        [
            r.Axis, r.Value, ReportFormat.Integer(r.Jobs), ReportFormat.Integer(r.Succeeded), ReportFormat.Integer(r.Failed),
            ReportFormat.Ratio(r.SuccessRate), ReportFormat.Seconds(r.LatencyP50Seconds), ReportFormat.Seconds(r.LatencyP95Seconds),
            ReportFormat.Money(r.SpentUsd), ReportFormat.Money(r.CostPerSuccessUsd),
            .. ReviewColumns.Cells(model.Review.RowOf(r.Axis, r.Value), r.CostPerSuccessUsd),
        ]), cancellationToken);

    private static string[] Row(string section, string dimension, CostGroup g) =>
    [
        section, dimension, g.Key, ReportFormat.Integer(g.Jobs), ReportFormat.Integer(g.Succeeded), ReportFormat.Integer(g.Failed),
        ReportFormat.Integer(g.InFlight), ReportFormat.Integer(g.NotSubmitted), ReportFormat.Money(g.EstimatedUsd),
        ReportFormat.Money(g.ChargedEstimateUsd), ReportFormat.Money(g.SpentUsd), ReportFormat.Money(g.ActualReportedUsd),
        ReportFormat.Money(g.RemainingEstimateUsd), ReportFormat.Money(g.CostPerSuccessUsd),
    ];
}
