using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>results.csv: one row per job, sorted by id, columns from <see cref="ResultColumns"/>.</summary>
internal static class ResultsCsv
{
    public static Task WriteAsync(ReportModel model, TextWriter output, CancellationToken cancellationToken) =>
        WriteAsync(model, model.Jobs.ToAsyncEnumerable(), output, cancellationToken);

    /// <summary>Writes a row per job of <paramref name="jobsById"/> (sorted by id) as it comes: no row is kept.</summary>
    public static Task WriteAsync(ReportModel model, IAsyncEnumerable<LedgerJob> jobsById, TextWriter output, CancellationToken cancellationToken) =>
        WriteAsync(model.Input, jobsById, output, cancellationToken);

    /// <summary>As above: the columns depend only on the batch's settings, not on its figures.</summary>
    public static async Task WriteAsync(ReportInput settings, IAsyncEnumerable<LedgerJob> jobsById, TextWriter output, CancellationToken cancellationToken)
    {
        var columns = ResultColumns.For(settings.Axes, settings.ChargeFailedProviders, settings.Links);
        await CsvTable.WriteAsync(
            output,
            columns.Select(c => c.Name).ToList(),
            jobsById.Select(j => (IReadOnlyList<string>)columns.Select(c => c.Read(j)).ToArray()),
            cancellationToken).ConfigureAwait(false);
    }
}
