using System.Runtime.CompilerServices;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Rebuilds every report of a batch from its ledger rows: results.csv, cost-report.md, cost-report.csv,
/// ab-comparison.csv, summary.json and contact-sheet.html (paged past <see cref="ContactSheetPage.Size"/> jobs).
/// Pure: same input (in any order), same bytes. From a ledger the jobs are read in id order once: the contact sheet is
/// laid out first from every job's spec (<see cref="ILedger.ReadJobHeadsAsync"/>, no output or event read), then its
/// pages are written as the jobs go by for the figures and results.csv (written row by row as the figures are
/// gathered); page 1, which shows the batch's review rankings, is held until they are known. From a stream alone the
/// jobs are read twice (figures and results.csv, then the contact sheet). No file is built in memory and no pass keeps
/// the rows, so memory does not grow with the number of jobs (only with the number of distinct axis values).
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
        return WriteAsync(input, _ => sorted.ToAsyncEnumerable(), heads: null, timeFromJobs: false, outputDirectory, sheet, cancellationToken);
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
        return WriteAsync(settings, jobsById, heads: null, timeFromJobs: true, outputDirectory, sheet, cancellationToken);
    }

    /// <summary>
    /// As above from <paramref name="ledger"/>, reading its jobs in id order once (see the class summary); the report
    /// time is the jobs' last update.
    /// </summary>
    public static Task<IReadOnlyList<string>> WriteAllAsync(
        ReportInput settings,
        ILedger ledger,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return WriteAllAsync(settings, ledger.ReadJobsByIdAsync, ledger.ReadJobHeadsAsync, outputDirectory, sheet, cancellationToken);
    }

    /// <summary>As above, from the ledger's two reads (jobs in id order, and every job's spec and last update).</summary>
    internal static Task<IReadOnlyList<string>> WriteAllAsync(
        ReportInput settings,
        Func<CancellationToken, IAsyncEnumerable<LedgerJob>> jobsById,
        Func<CancellationToken, IAsyncEnumerable<LedgerJobHead>> heads,
        string outputDirectory,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(jobsById);
        ArgumentNullException.ThrowIfNull(heads);
        return WriteAsync(settings, jobsById, heads, timeFromJobs: true, outputDirectory, sheet, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> WriteAsync(
        ReportInput settings,
        Func<CancellationToken, IAsyncEnumerable<LedgerJob>> jobsById,
        Func<CancellationToken, IAsyncEnumerable<LedgerJobHead>>? heads,
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
        var pagesWritten = new List<string>();

        Task Write(string name, Func<Stream, Task> write) => WriteTo(written, name, write);

        async Task WriteTo(List<string> list, string name, Func<Stream, Task> write)
        {
            var path = Path.Combine(directory, name);
            // Checked right before writing: a report must not land outside the directory through a planted link.
            if (!Downloads.OutputPaths.IsInside(Downloads.OutputPaths.RealPath(directory), Downloads.OutputPaths.RealPath(path)))
            {
                throw new IOException($"{path} is a symbolic link leading out of {directory}; remove it");
            }

            await AtomicFile.WriteStreamAsync(path, write, cancellationToken).ConfigureAwait(false);
            list.Add(path);
        }

        Task WriteText(string name, Func<TextWriter, Task> write) => WriteTextTo(written, name, write);

        Task WritePage(string name, Func<TextWriter, Task> write) => WriteTextTo(pagesWritten, name, write);

        Task WriteTextTo(List<string> list, string name, Func<TextWriter, Task> write) => WriteTo(list, name, async stream =>
        {
            var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom, 16 * 1024, leaveOpen: true) { NewLine = "\n" };
            await using (writer.ConfigureAwait(false))
            {
                await write(writer).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        });

        // results.csv is written in the same read of the ledger that gathers the figures of every other report, and
        // (laid out beforehand from the specs) the contact sheet's pages.
        var early = heads is null ? null : await LayOutAsync(settings, heads(cancellationToken), timeFromJobs, sheet, cancellationToken).ConfigureAwait(false);
        var pages = early is null ? null : new ContactSheetPages(early.Input, early.Layout, early.Jobs, directory, WritePage);
        var built = new StrongBox<ReportModel?>();
        var jobs = ReportModel.BuildWhileAsync(settings, jobsById(cancellationToken), timeFromJobs, built, cancellationToken);
        await WriteText(ResultsCsvFile, w => ResultsCsv.WriteAsync(settings, pages is null ? jobs : FeedAsync(jobs, pages, early!.Jobs, cancellationToken), w, cancellationToken)).ConfigureAwait(false);
        var model = built.Value!;
        var (layout, error) = ContactSheetLayout.Resolve(model, sheet);
        if (layout is null && pagesWritten.Count > 0)
        {
            // The jobs read are not those the early layout was made from (another process added some), and with them
            // the axis no longer fits: the pages written from that layout would sit beside older ones, so the whole
            // contact sheet goes rather than stand half old, half new.
            RemoveContactSheet(directory);
            throw new ArgumentException($"{error} (the batch changed while the report was written; contact-sheet.html and its pages were removed)", nameof(sheet));
        }

        if (layout is null)
        {
            throw new ArgumentException(error, nameof(sheet));
        }

        // The pages stand only if the jobs read were those the layout was made from (another process may have added
        // or updated jobs in between): else the contact sheet is written again from a second read.
        var paged = pages is not null && pages.Jobs == model.Total.Jobs && early!.Jobs == model.Total.Jobs
            && early.Layout == layout && early.Input.GeneratedAt == model.Input.GeneratedAt;

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
        if (paged)
        {
            await pages!.FinishAsync(model.Review).ConfigureAwait(false);
        }
        else
        {
            pagesWritten.Clear();
            var again = new ContactSheetPages(model.Input, layout, model.Total.Jobs, directory, WritePage);
            await foreach (var job in jobsById(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await again.AddAsync(job, model.Review).ConfigureAwait(false);
            }

            await again.FinishAsync(model.Review).ConfigureAwait(false);
        }

        // Page 1 comes last when the pages are written as the jobs go by; the list keeps the page order.
        written.AddRange(pagesWritten.OrderBy(PageNumber));
        return written;
    }

    private static void RemoveContactSheet(string directory)
    {
        foreach (var page in Directory.EnumerateFiles(directory, "contact-sheet*.html"))
        {
            var name = Path.GetFileName(page);
            if (name == ContactSheetFile || ContactSheetPage.IsLaterPage(name, out _))
            {
                File.Delete(page);
            }
        }
    }

    private static int PageNumber(string path) =>
        ContactSheetPage.IsLaterPage(Path.GetFileName(path), out var number) ? number : 1;

    /// <summary>The contact sheet's layout from every job's spec, before the jobs are read in id order; null when it has none.</summary>
    private static async Task<EarlyLayout?> LayOutAsync(
        ReportInput settings,
        IAsyncEnumerable<LedgerJobHead> heads,
        bool timeFromJobs,
        ContactSheetOptions sheet,
        CancellationToken cancellationToken)
    {
        var builder = new ReportModelBuilder(settings);
        long jobs = 0;
        await foreach (var head in heads.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            jobs++;
            builder.Add(new LedgerJob { Spec = head.Spec, State = JobState.Pending, UpdatedAt = head.UpdatedAt });
        }

        var layout = ContactSheetLayout.Resolve(builder.Build(), sheet).Layout;
        var input = timeFromJobs ? settings with { GeneratedAt = builder.LastUpdate ?? DateTimeOffset.UnixEpoch } : settings;
        return layout is null ? null : new EarlyLayout(input, layout, jobs);
    }

    /// <summary>Passes the jobs on, giving each to the contact sheet's pages first (no more than the layout counted).</summary>
    private static async IAsyncEnumerable<LedgerJob> FeedAsync(
        IAsyncEnumerable<LedgerJob> jobs,
        ContactSheetPages pages,
        long expected,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var job in jobs.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (pages.Jobs < expected)
            {
                await pages.AddAsync(job, review: null).ConfigureAwait(false);
            }

            yield return job;
        }
    }

    /// <summary>The contact sheet's layout, report settings and number of jobs, as found from the specs.</summary>
    private sealed record EarlyLayout(ReportInput Input, ContactSheetLayout Layout, long Jobs);

    /// <summary>
    /// A full collection between phases: a page's jobs live long enough to reach the oldest generation, where the
    /// collector would otherwise let a large batch's dead pages pile up before it looks (peak memory, not speed, is
    /// what a 100,000-job report must keep small; a collection of the little that stays alive takes milliseconds).
    /// </summary>
    internal static void ReleaseMemory() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
}
