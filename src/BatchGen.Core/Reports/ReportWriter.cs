using System.Runtime.CompilerServices;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Rebuilds every report of a batch from its ledger rows: results.csv, cost-report.md, cost-report.csv,
/// ab-comparison.csv, summary.json and contact-sheet.html (paged past <see cref="ContactSheetPage.Size"/> jobs).
/// Pure: same input (in any order), same bytes. From the ledger the jobs are read in id order twice: once for the
/// figures and results.csv (written row by row as the figures are gathered), once for the contact sheet. No file is
/// built in memory and no pass keeps the rows, so memory does not grow with the number of jobs (only with the number
/// of distinct axis values).
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
    /// or null when they are fine. Call it before <see cref="WriteAllAsync(ReportInput, string, ContactSheetOptions, CancellationToken)"/> to report a usage error.
    /// </summary>
    public static string? Validate(ReportInput input, ContactSheetOptions sheet)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sheet);
        return ContactSheetLayout.Resolve(ReportModel.Build(input), sheet).Error;
    }

    /// <summary>
    /// Writes every report of the jobs in <paramref name="input"/> into <paramref name="outputDirectory"/> (created if
    /// missing), each atomically (temporary file + rename). Returns the full paths written, in a fixed order.
    /// </summary>
    /// <exception cref="ArgumentException">The contact sheet axes are not axes of the batch (see <see cref="Validate"/>).</exception>
    public static Task<IReadOnlyList<string>> WriteAllAsync(
        ReportInput input,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sorted = input.Jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ThenBy(j => j.Provider, StringComparer.Ordinal).ToList();
        return WriteAsync(input, _ => sorted.ToAsyncEnumerable(), timeFromJobs: false, outputDirectory, sheet, cancellationToken);
    }

    /// <summary>
    /// As above, reading the jobs from <paramref name="jobsById"/> (a fresh stream sorted by id each time it is called,
    /// e.g. <see cref="ILedger.ReadJobsByIdAsync"/>) instead of <see cref="ReportInput.Jobs"/>, which is ignored; the
    /// report time is the jobs' last update.
    /// </summary>
    public static Task<IReadOnlyList<string>> WriteAllAsync(
        ReportInput settings,
        Func<CancellationToken, IAsyncEnumerable<LedgerJob>> jobsById,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(jobsById);
        return WriteAsync(settings, jobsById, timeFromJobs: true, outputDirectory, sheet, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> WriteAsync(
        ReportInput settings,
        Func<CancellationToken, IAsyncEnumerable<LedgerJob>> jobsById,
        bool timeFromJobs,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(sheet);
        // Axes that are not the batch's are refused before anything is written; an axis with too many values for a
        // sheet is known only once the figures are in (results.csv, which does not depend on the sheet, is then written).
        if (ContactSheetLayout.Resolve(ReportModel.Build(settings with { Jobs = [] }), sheet).Error is { } badAxes)
        {
            throw new ArgumentException(badAxes, nameof(sheet));
        }

        ReleaseMemory();
        var directory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();

        async Task Write(string name, Func<Stream, Task> write)
        {
            var path = Path.Combine(directory, name);
            // Checked right before writing: a report must not land outside the directory through a planted link.
            if (!Downloads.OutputPaths.IsInside(Downloads.OutputPaths.RealPath(directory), Downloads.OutputPaths.RealPath(path)))
            {
                throw new IOException($"{path} is a symbolic link leading out of {directory}; remove it");
            }

            await AtomicFile.WriteStreamAsync(path, write, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        Task WriteText(string name, Func<TextWriter, Task> write) => Write(name, async stream =>
        {
            var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom, 16 * 1024, leaveOpen: true) { NewLine = "\n" };
            await using (writer.ConfigureAwait(false))
            {
                await write(writer).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        });

        // results.csv is written in the same read of the ledger that gathers the figures of every other report.
        var built = new StrongBox<ReportModel?>();
        await WriteText(ResultsCsvFile, w => ResultsCsv.WriteAsync(
            settings,
            ReportModel.BuildWhileAsync(settings, jobsById(cancellationToken), timeFromJobs, built, cancellationToken),
            w,
            cancellationToken)).ConfigureAwait(false);
        var model = built.Value!;
        var (layout, error) = ContactSheetLayout.Resolve(model, sheet);
        if (layout is null)
        {
            throw new ArgumentException(error, nameof(sheet));
        }

        await WriteText(CostReportMarkdownFile, w =>
        {
            CostReportMarkdown.Write(model, w);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await WriteText(CostReportCsvFile, w => CostReportCsv.WriteCostsAsync(model, w, cancellationToken)).ConfigureAwait(false);
        await WriteText(AbComparisonCsvFile, w => CostReportCsv.WriteComparisonAsync(model, w, cancellationToken)).ConfigureAwait(false);
        await Write(SummaryJsonFile, stream =>
        {
            SummaryJson.Write(model, stream);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await WriteContactSheetAsync(model, layout, jobsById, directory, WriteText, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// contact-sheet.html: one page when the batch has at most <see cref="ContactSheetPage.Size"/> jobs; otherwise a
    /// page per <see cref="ContactSheetPage.Size"/> jobs in id order, each built from its own jobs only (pages left
    /// over from a larger sheet written here before are removed).
    /// </summary>
    private static async Task WriteContactSheetAsync(
        ReportModel model,
        ContactSheetLayout layout,
        Func<CancellationToken, IAsyncEnumerable<LedgerJob>> jobsById,
        string directory,
        Func<string, Func<TextWriter, Task>, Task> write,
        CancellationToken cancellationToken)
    {
        var total = model.Total.Jobs;
        var count = ContactSheetPage.CountFor(total);
        var page = new List<LedgerJob>(Math.Min(total, ContactSheetPage.Size));
        var number = 0;
        long first = 1;

        async Task FlushAsync()
        {
            number++;
            var pageModel = ReportModel.Build(model.Input with { Jobs = page });
            ContactSheetPage? info = null;
            if (count > 1)
            {
                // The rankings are the batch's (votes compare jobs across pages): shown once, on the first page.
                pageModel = pageModel with { Review = number == 1 ? model.Review : Reviews.ReviewRanking.Empty };
                info = new ContactSheetPage(number, count, first, first + page.Count - 1, total);
            }

            await write(ContactSheetPage.FileName(number), w =>
            {
                ContactSheetHtml.Write(pageModel, layout, directory, info, w);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            first += page.Count;
            page.Clear();
            if (number % PagesPerCollection == 0)
            {
                ReleaseMemory();
            }
        }

        await foreach (var job in jobsById(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            page.Add(job);
            if (page.Count == ContactSheetPage.Size && number + 1 < count)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
        foreach (var stale in Directory.EnumerateFiles(directory, "contact-sheet-*.html"))
        {
            if (ContactSheetPage.IsLaterPage(Path.GetFileName(stale), out var n) && n > number)
            {
                File.Delete(stale);
            }
        }
    }

    /// <summary>
    /// Contact sheet pages written between two full collections: the dead jobs of this many pages (a few MB each) are
    /// left for the collector at most, and a collection (a mark of everything alive) is paid per this many pages.
    /// </summary>
    private const int PagesPerCollection = 4;

    /// <summary>
    /// A full collection between phases: a page's jobs live long enough to reach the oldest generation, where the
    /// collector would otherwise let a large batch's dead pages pile up before it looks (peak memory, not speed, is
    /// what a 100,000-job report must keep small; a collection of the little that stays alive takes milliseconds).
    /// </summary>
    private static void ReleaseMemory() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
}
