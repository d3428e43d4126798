using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Writes contact-sheet.html as the batch's jobs come in id order: one page when the batch has at most
/// <see cref="ContactSheetPage.Size"/> jobs, otherwise a page per <see cref="ContactSheetPage.Size"/> jobs, each built
/// from its own jobs only, written once full. Page 1 shows the batch's review rankings: without them yet (the jobs are
/// being counted in the same read), its jobs are held until <see cref="FinishAsync"/> gives them.
/// </summary>
internal sealed class ContactSheetPages(
    ReportInput input,
    ContactSheetLayout layout,
    long total,
    string directory,
    Func<string, Func<TextWriter, Task>, Task> write)
{
    /// <summary>
    /// Pages written between two full collections: the dead jobs of this many pages (a few MB each) are left for the
    /// collector at most, and a collection (a mark of everything alive) is paid per this many pages.
    /// </summary>
    private const int PagesPerCollection = 4;

    private readonly int _count = ContactSheetPage.CountFor(total);
    private List<LedgerJob> _page = new(ContactSheetPage.Size);
    private List<LedgerJob>? _heldFirst;
    private int _filled;
    private long _next = 1;

    /// <summary>Jobs added so far.</summary>
    public long Jobs { get; private set; }

    /// <summary>Adds the next job in id order, writing its page once full; <paramref name="review"/> null holds page 1.</summary>
    public async Task AddAsync(LedgerJob job, Reviews.ReviewRanking? review)
    {
        Jobs++;
        _page.Add(job);
        if (_page.Count == ContactSheetPage.Size && _filled + 1 < _count)
        {
            await FlushAsync(review).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the last page and page 1 if held, then removes pages left over from a larger sheet written here before.</summary>
    public async Task FinishAsync(Reviews.ReviewRanking review)
    {
        await FlushAsync(review).ConfigureAwait(false);
        if (_heldFirst is { } first)
        {
            _heldFirst = null;
            await WriteAsync(1, first, 1, review).ConfigureAwait(false);
        }

        foreach (var stale in Directory.EnumerateFiles(directory, "contact-sheet-*.html"))
        {
            if (ContactSheetPage.IsLaterPage(Path.GetFileName(stale), out var n) && n > _filled)
            {
                File.Delete(stale);
            }
        }
    }

    private async Task FlushAsync(Reviews.ReviewRanking? review)
    {
        var number = ++_filled;
        var firstJob = _next;
        _next += _page.Count;
        if (number == 1 && review is null && _count > 1)
        {
            (_heldFirst, _page) = (_page, new List<LedgerJob>(ContactSheetPage.Size));
            return;
        }

        await WriteAsync(number, _page, firstJob, review).ConfigureAwait(false);
        _page.Clear();
        if (number % PagesPerCollection == 0)
        {
            ReportWriter.ReleaseMemory();
        }
    }

    private Task WriteAsync(int number, List<LedgerJob> jobs, long firstJob, Reviews.ReviewRanking? review)
    {
        var pageModel = ReportModel.Build(input with { Jobs = jobs });
        ContactSheetPage? info = null;
        if (_count > 1)
        {
            // The rankings are the batch's (votes compare jobs across pages): shown once, on the first page.
            pageModel = pageModel with { Review = number == 1 ? review! : Reviews.ReviewRanking.Empty };
            info = new ContactSheetPage(number, _count, firstJob, firstJob + jobs.Count - 1, total);
        }

        return write(ContactSheetPage.FileName(number), w =>
        {
            ContactSheetHtml.Write(pageModel, layout, directory, info, w);
            return Task.CompletedTask;
        });
    }
}
