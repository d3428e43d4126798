namespace BatchGen.Core.Reports;

/// <summary>results.csv: one row per job, sorted by id, columns from <see cref="ResultColumns"/>.</summary>
internal static class ResultsCsv
{
    public static Task WriteAsync(ReportModel model, TextWriter output, CancellationToken cancellationToken)
    {
        var columns = ResultColumns.For(model.Input.Axes, model.Input.ChargeFailedProviders, model.Input.Links);
        return CsvTable.WriteAsync(
            output,
            columns.Select(c => c.Name).ToList(),
            model.Jobs.Select(j => (IReadOnlyList<string>)columns.Select(c => c.Read(j)).ToList()),
            cancellationToken);
    }
}
