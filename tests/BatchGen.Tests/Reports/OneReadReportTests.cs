using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;

namespace BatchGen.Tests.Reports;

/// <summary>
/// Reports from a ledger's two reads (every job's spec and last update, then the jobs in id order once): the contact
/// sheet is laid out from the specs and its pages written as the jobs go by, page 1 (the batch's review rankings)
/// last. Same bytes and same list of files as reading the jobs twice; written again from a second read when the
/// jobs read are not those the layout was made from.
/// </summary>
public sealed class OneReadReportTests
{
    [Fact]
    public async Task WriteAllAsync_FromHeadsAndJobs_ReadsTheJobsOnce_SameBytesAndFilesAsTwoReads()
    {
        var jobs = Many(ContactSheetPage.Size * 2 + 5);
        var input = Input(jobs);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        using var twice = new TempDirectory();
        using var once = new TempDirectory();
        var reads = 0;

        var expected = await ReportWriter.WriteAllAsync(input, _ => sorted.ToAsyncEnumerable(), twice.Path, ContactSheetOptions.Default, CancellationToken.None);
        var written = await ReportWriter.WriteAllAsync(input, _ =>
        {
            reads++;
            return sorted.ToAsyncEnumerable();
        }, _ => Heads(jobs).ToAsyncEnumerable(), once.Path, ContactSheetOptions.Default, CancellationToken.None);

        reads.ShouldBe(1);
        written.Select(Path.GetFileName).ShouldBe(expected.Select(Path.GetFileName));
        written.Select(Path.GetFileName).Skip(5).ShouldBe(["contact-sheet.html", "contact-sheet-2.html", "contact-sheet-3.html"]);
        await ShouldBeSameFiles(twice.Path, once.Path);
        (await File.ReadAllTextAsync(Path.Combine(once.Path, "contact-sheet.html"))).ShouldContain("Page <b>1</b> of 3");
    }

    [Fact]
    public async Task WriteAllAsync_HeadsNotThoseOfTheJobsRead_ContactSheetWrittenAgain_SameBytes()
    {
        var jobs = Many(ContactSheetPage.Size + 7);
        var input = Input(jobs);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        using var twice = new TempDirectory();
        await ReportWriter.WriteAllAsync(input, _ => sorted.ToAsyncEnumerable(), twice.Path, ContactSheetOptions.Default, CancellationToken.None);

        // A job added after the specs were read, one updated since, and one fewer job: each time a second read.
        var later = Heads(jobs).Select((h, i) => i == 3 ? h with { UpdatedAt = h.UpdatedAt.AddDays(1) } : h).ToList();
        foreach (var heads in new[] { Heads(jobs).Skip(1).ToList(), later, [.. Heads(jobs), .. Heads(Many(1))] })
        {
            using var once = new TempDirectory();
            var reads = 0;
            await ReportWriter.WriteAllAsync(input, _ =>
            {
                reads++;
                return sorted.ToAsyncEnumerable();
            }, _ => heads.ToAsyncEnumerable(), once.Path, ContactSheetOptions.Default, CancellationToken.None);

            reads.ShouldBe(2);
            await ShouldBeSameFiles(twice.Path, once.Path);
        }
    }

    [Fact]
    public async Task WriteAllAsync_FromASqliteLedger_SameBytesAsTwoReads()
    {
        using var temp = new TempDirectory();
        var jobs = Many(ContactSheetPage.Size + 3);
        var path = Path.Combine(temp.Path, "ledger.db");
        var time = new FakeTimeProvider(ReportFixtures.T0);
        await using (var writer = await SqliteLedger.OpenAsync(path, time, default))
        {
            // Inserted in reverse id order, so the table's order is not the reports' order.
            await writer.SyncJobsAsync(jobs.Select(j => j.Spec).Reverse(), default);
            foreach (var job in jobs.Where((_, i) => i % 3 == 0))
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await writer.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = [new LedgerOutput { Index = 1, FilePath = $"{job.Id}.mp4", Bytes = 3, Sha256 = "aa" }] }, default);
            }
        }

        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(path, time, default);
        var settings = Input([]);
        using var twice = new TempDirectory();
        using var once = new TempDirectory();
        await ReportWriter.WriteAllAsync(settings, ledger.ReadJobsByIdAsync, twice.Path, ContactSheetOptions.Default, CancellationToken.None);
        await ReportWriter.WriteAllAsync(settings, ledger, once.Path, ContactSheetOptions.Default, CancellationToken.None);

        (await ledger.ReadJobHeadsAsync(default).CountAsync()).ShouldBe(jobs.Count);
        await ShouldBeSameFiles(twice.Path, once.Path);
    }

    [Fact]
    public async Task WriteAllAsync_AnAxisPassesItsLimitBetweenTheTwoReads_NoHalfOldContactSheetIsLeft()
    {
        // The specs give --rows seed its limit of values, and the contact sheet an earlier version of 3 pages; the jobs
        // read after them hold one seed more (another process added a job): the axis no longer fits.
        var heads = Seeds(ReportModelBuilder.MaxValuesPerDimension);
        var jobs = Seeds(ReportModelBuilder.MaxValuesPerDimension + 1);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        var bySeed = new ContactSheetOptions("seed", null);
        using var dir = new TempDirectory();
        await ReportWriter.WriteAllAsync(Input(Many(ContactSheetPage.Size * 2 + 1)), dir.Path, ContactSheetOptions.Default, CancellationToken.None);
        File.Exists(Path.Combine(dir.Path, "contact-sheet-3.html")).ShouldBeTrue();

        var error = await Should.ThrowAsync<ArgumentException>(() => ReportWriter.WriteAllAsync(Input([]), _ => sorted.ToAsyncEnumerable(), _ => Heads(heads).ToAsyncEnumerable(), dir.Path, bySeed, CancellationToken.None));

        error.ParamName.ShouldBe("sheet");
        error.Message.ShouldStartWith("--rows seed: more than 10,000 values, too many for a contact sheet axis;");
        error.Message.ShouldContain("the batch changed while the report was written; contact-sheet.html and its pages were removed");
        Directory.GetFiles(dir.Path, "contact-sheet*.html").ShouldBeEmpty("pages of the old sheet and of the abandoned layout would stand side by side");
        CsvReading.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, ReportWriter.ResultsCsvFile))).Count.ShouldBe(jobs.Count + 1, "results.csv does not depend on the sheet");

        // The same jobs in both reads: the axis is refused up front as before, and an older sheet is left alone.
        using var steady = new TempDirectory();
        await ReportWriter.WriteAllAsync(Input(Many(3)), steady.Path, ContactSheetOptions.Default, CancellationToken.None);
        var refused = await Should.ThrowAsync<ArgumentException>(() => ReportWriter.WriteAllAsync(Input([]), _ => sorted.ToAsyncEnumerable(), _ => Heads(jobs).ToAsyncEnumerable(), steady.Path, bySeed, CancellationToken.None));
        refused.Message.ShouldNotContain("removed");
        File.Exists(Path.Combine(steady.Path, "contact-sheet.html")).ShouldBeTrue();
    }

    /// <summary><paramref name="count"/> jobs, each with its own seed.</summary>
    private static List<LedgerJob> Seeds(int count) =>
        Many(count).Select((job, i) => job with
        {
            Spec = job.Spec with
            {
                Axes = [new("style", "anime"), new("seed", i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            },
        }).ToList();

    private static ReportInput Input(IReadOnlyList<LedgerJob> jobs)
    {
        var ids = jobs.Select(j => j.Id).Order(StringComparer.Ordinal).ToList();
        // A vote between a job of page 1 and one of page 2: page 1 shows the batch's rankings, known only at the end.
        var votes = ids.Count > ContactSheetPage.Size
            ? new[] { new Vote(1, ReportFixtures.T0, "ana", null, ids[0], ids[ContactSheetPage.Size], VoteWinner.Left, "test") }
            : [];
        return ReportFixtures.Input(jobs) with { OutputRoot = null, Reviews = new ReviewData(votes, [], new Dictionary<string, StoredCheck>(StringComparer.Ordinal)) };
    }

    private static IEnumerable<LedgerJobHead> Heads(IEnumerable<LedgerJob> jobs) => jobs.Select(j => new LedgerJobHead(j.Spec, j.UpdatedAt));

    private static async Task ShouldBeSameFiles(string expected, string actual)
    {
        Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(expected).Select(Path.GetFileName))
        {
            (await File.ReadAllTextAsync(Path.Combine(actual, file!))).ShouldBe(await File.ReadAllTextAsync(Path.Combine(expected, file!)), $"{file} differs");
        }
    }

    /// <summary>The fixture's jobs repeated under new ids (in the reverse of id order) until there are <paramref name="count"/>.</summary>
    private static List<LedgerJob> Many(int count)
    {
        var fixtures = ReportFixtures.Jobs();
        return Enumerable.Range(0, count)
            .Select(i =>
            {
                var job = fixtures[i % fixtures.Count];
                return job with { Spec = job.Spec with { Id = (count - i).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) } };
            })
            .ToList();
    }
}
