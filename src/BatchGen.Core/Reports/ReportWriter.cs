namespace BatchGen.Core.Reports;

/// <summary>
/// Rebuilds every report of a batch from its ledger rows: results.csv, cost-report.md, cost-report.csv,
/// ab-comparison.csv, summary.json and contact-sheet.html. Pure: same input (in any order), same bytes.
/// </summary>
public static class ReportWriter
{
    public const string ResultsCsvFile = "results.csv";
    public const string CostReportMarkdownFile = "cost-report.md";
    public const string CostReportCsvFile = "cost-report.csv";
    public const string AbComparisonCsvFile = "ab-comparison.csv";
    public const string SummaryJsonFile = "summary.json";
    public const string ContactSheetFile = "contact-sheet.html";

    /// <summary>
    /// Checks the contact sheet axes against the batch. Returns one line naming the bad flag and the valid axes,
    /// or null when they are fine. Call it before <see cref="WriteAllAsync"/> to report a usage error.
    /// </summary>
    public static string? Validate(ReportInput input, ContactSheetOptions sheet)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sheet);
        return ContactSheetLayout.Resolve(ReportModel.Build(input), sheet).Error;
    }

    /// <summary>
    /// Writes every report into <paramref name="outputDirectory"/> (created if missing), each atomically
    /// (temporary file + rename). Returns the full paths written, in a fixed order.
    /// </summary>
    /// <exception cref="ArgumentException">The contact sheet axes are not axes of the batch (see <see cref="Validate"/>).</exception>
    public static async Task<IReadOnlyList<string>> WriteAllAsync(
        ReportInput input,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(sheet);
        var model = ReportModel.Build(input);
        var (layout, error) = ContactSheetLayout.Resolve(model, sheet);
        if (layout is null)
        {
            throw new ArgumentException(error, nameof(sheet));
        }

        var directory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();

        async Task Write(string name, Func<TextWriter, Task> write)
        {
            var path = Path.Combine(directory, name);
            // Checked right before writing: a report must not land outside the directory through a planted link.
            if (!Downloads.OutputPaths.IsInside(Downloads.OutputPaths.RealPath(directory), Downloads.OutputPaths.RealPath(path)))
            {
                throw new IOException($"{path} is a symbolic link leading out of {directory}; remove it");
            }

            await AtomicFile.WriteAsync(path, write, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        await Write(ResultsCsvFile, w => ResultsCsv.WriteAsync(model, w, cancellationToken)).ConfigureAwait(false);
        await Write(CostReportMarkdownFile, w => w.WriteAsync(CostReportMarkdown.Render(model).AsMemory(), cancellationToken)).ConfigureAwait(false);
        await Write(CostReportCsvFile, w => CostReportCsv.WriteCostsAsync(model, w, cancellationToken)).ConfigureAwait(false);
        await Write(AbComparisonCsvFile, w => CostReportCsv.WriteComparisonAsync(model, w, cancellationToken)).ConfigureAwait(false);
        await Write(SummaryJsonFile, w => w.WriteAsync(SummaryJson.Render(model).AsMemory(), cancellationToken)).ConfigureAwait(false);
        await Write(ContactSheetFile, w => w.WriteAsync(ContactSheetHtml.Render(model, layout, directory).AsMemory(), cancellationToken)).ConfigureAwait(false);
        return written;
    }
}
