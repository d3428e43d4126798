using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

/// <summary>Reports written from a stream of jobs in id order (what <c>run</c> does from its ledger) and the paged contact sheet.</summary>
public sealed class StreamedReportTests
{
    [Fact]
    public async Task WriteAllAsync_FromAStreamInIdOrder_SameBytesAsFromTheList()
    {
        using var listed = new TempDirectory();
        using var streamed = new TempDirectory();
        var jobs = ReportFixtures.Jobs();
        // Videos relative to each report directory, so both contact sheets link the same way.
        var input = ReportInput.FromLedger("demo sweep", jobs, listed.Path, ReportFixtures.Axes, ReportFixtures.ChargeFailed) with { OutputRoot = null };
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();

        await ReportWriter.WriteAllAsync(input, listed.Path, ContactSheetOptions.Default, CancellationToken.None);
        var written = await ReportWriter.WriteAllAsync(input with { Jobs = [] }, _ => sorted.ToAsyncEnumerable(), streamed.Path, ContactSheetOptions.Default, CancellationToken.None);

        written.Count.ShouldBe(6);
        foreach (var file in Directory.GetFiles(listed.Path).Select(Path.GetFileName))
        {
            var expected = await File.ReadAllTextAsync(Path.Combine(listed.Path, file!));
            var actual = await File.ReadAllTextAsync(Path.Combine(streamed.Path, file!));
            actual.ShouldBe(expected, $"{file} differs");
        }
    }

    [Fact]
    public async Task WriteAllAsync_FromAStream_ReadsTheJobsTwice()
    {
        using var temp = new TempDirectory();
        var sorted = ReportFixtures.Jobs().OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        var reads = 0;

        await ReportWriter.WriteAllAsync(ReportFixtures.Input([]), _ =>
        {
            reads++;
            return sorted.ToAsyncEnumerable();
        }, temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        // Once for the figures and results.csv together, once for the contact sheet.
        reads.ShouldBe(2);
        CsvReading.Parse(await File.ReadAllTextAsync(Path.Combine(temp.Path, ReportWriter.ResultsCsvFile))).Count.ShouldBe(sorted.Count + 1);
    }

    [Fact]
    public async Task WriteAllAsync_AxisNotOfTheBatch_RefusedBeforeAnyFileIsWritten()
    {
        using var temp = new TempDirectory();
        var sorted = ReportFixtures.Jobs().OrderBy(j => j.Id, StringComparer.Ordinal).ToList();

        var error = await Should.ThrowAsync<ArgumentException>(() => ReportWriter.WriteAllAsync(
            ReportFixtures.Input([]), _ => sorted.ToAsyncEnumerable(), temp.Path, new ContactSheetOptions("no-such-axis", null), CancellationToken.None));

        error.Message.ShouldContain("--rows no-such-axis");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task WriteAllAsync_StreamNotInIdOrder_Refused()
    {
        using var temp = new TempDirectory();
        var jobs = ReportFixtures.Jobs().OrderByDescending(j => j.Id, StringComparer.Ordinal).ToList();

        var error = await Should.ThrowAsync<InvalidOperationException>(() =>
            ReportWriter.WriteAllAsync(ReportFixtures.Input([]), _ => jobs.ToAsyncEnumerable(), temp.Path, ContactSheetOptions.Default, CancellationToken.None));

        error.Message.ShouldContain("sorted by id");
    }

    [Fact]
    public async Task WriteAllAsync_MoreJobsThanAPage_ContactSheetPagedInIdOrder()
    {
        using var temp = new TempDirectory();
        var jobs = Many(ContactSheetPage.Size * 2 + 5);

        var written = await ReportWriter.WriteAllAsync(ReportFixtures.Input(jobs), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        written.Select(Path.GetFileName).ShouldContain("contact-sheet.html");
        written.Select(Path.GetFileName).ShouldContain("contact-sheet-2.html");
        written.Select(Path.GetFileName).ShouldContain("contact-sheet-3.html");
        var pages = new List<string>();
        foreach (var name in new[] { "contact-sheet.html", "contact-sheet-2.html", "contact-sheet-3.html" })
        {
            pages.Add(await File.ReadAllTextAsync(Path.Combine(temp.Path, name)));
        }

        pages.Select(Cards).ShouldBe([ContactSheetPage.Size, ContactSheetPage.Size, 5]);
        pages[1].ShouldContain("Page <b>2</b> of 3: jobs 1,001-2,000 of 2,005 in id order");
        pages[2].ShouldContain("<a href=\"contact-sheet.html\">1</a> <a href=\"contact-sheet-2.html\">2</a> <b aria-current=\"page\">3</b>");
        var firstOnPageTwo = jobs.Select(j => j.Id).Order(StringComparer.Ordinal).ElementAt(ContactSheetPage.Size);
        pages[1].ShouldContain($"<div class=\"id\">{firstOnPageTwo} · ");
        pages[0].ShouldNotContain(firstOnPageTwo);
    }

    [Fact]
    public async Task WriteAllAsync_FewerPagesThanBefore_StalePagesRemoved()
    {
        using var temp = new TempDirectory();
        await ReportWriter.WriteAllAsync(ReportFixtures.Input(Many(ContactSheetPage.Size + 1)), temp.Path, ContactSheetOptions.Default, CancellationToken.None);
        File.Exists(Path.Combine(temp.Path, "contact-sheet-2.html")).ShouldBeTrue();

        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        File.Exists(Path.Combine(temp.Path, "contact-sheet-2.html")).ShouldBeFalse();
        (await File.ReadAllTextAsync(Path.Combine(temp.Path, "contact-sheet.html"))).ShouldNotContain("class=\"pages\"");
    }

    private static int Cards(string html) => html.Split("<figure class=\"card\"").Length - 1;

    /// <summary>The fixture's jobs repeated under new ids until there are <paramref name="count"/>.</summary>
    private static List<LedgerJob> Many(int count)
    {
        var fixtures = ReportFixtures.Jobs();
        return Enumerable.Range(0, count)
            .Select(i =>
            {
                var job = fixtures[i % fixtures.Count];
                return job with { Spec = job.Spec with { Id = i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) } };
            })
            .ToList();
    }
}
