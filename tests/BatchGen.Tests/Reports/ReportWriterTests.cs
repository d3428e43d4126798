using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class ReportWriterTests
{
    [Fact]
    public async Task WriteAllAsync_FixedLedger_WritesEveryReportAndNoTempFiles()
    {
        using var temp = new TempDirectory();

        var written = await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        written.Select(Path.GetFileName).ShouldBe(
            ["results.csv", "cost-report.md", "cost-report.csv", "ab-comparison.csv", "summary.json", "contact-sheet.html"]);
        Directory.GetFiles(temp.Path).Length.ShouldBe(6);
        written.ShouldAllBe(path => new FileInfo(path).Length > 0);
    }

    [Fact]
    public async Task WriteAllAsync_SameRowsInAnotherOrder_IdenticalBytes()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var jobs = ReportFixtures.Jobs();
        var shuffled = jobs.Skip(3).Concat(jobs.Take(3).Reverse()).ToList();
        shuffled.Select(j => j.Id).ShouldNotBe(jobs.Select(j => j.Id));

        await ReportWriter.WriteAllAsync(ReportFixtures.Input(jobs), first.Path, ContactSheetOptions.Default, CancellationToken.None);
        await ReportWriter.WriteAllAsync(ReportFixtures.Input(shuffled), second.Path, ContactSheetOptions.Default, CancellationToken.None);

        foreach (var file in Directory.GetFiles(first.Path).Select(Path.GetFileName))
        {
            var a = await File.ReadAllBytesAsync(Path.Combine(first.Path, file!));
            var b = await File.ReadAllBytesAsync(Path.Combine(second.Path, file!));
            System.Text.Encoding.UTF8.GetString(b).ShouldBe(System.Text.Encoding.UTF8.GetString(a), $"{file} differs");
        }
    }

    [Fact]
    public async Task WriteAllAsync_RebuiltOverPreviousReports_ReplacesThem()
    {
        using var temp = new TempDirectory();
        await ReportWriter.WriteAllAsync(ReportFixtures.Input(ReportFixtures.Jobs().Take(2).ToList()), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        CsvReading.Parse(await File.ReadAllTextAsync(Path.Combine(temp.Path, "results.csv"))).Count.ShouldBe(1 + 7);
        Directory.GetFiles(temp.Path).Length.ShouldBe(6);
    }

    [Fact]
    public async Task WriteAllAsync_CostReportMarkdown_MatchesApproved()
    {
        using var temp = new TempDirectory();

        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        Approvals.Verify("cost-report.md", await File.ReadAllTextAsync(Path.Combine(temp.Path, "cost-report.md")));
    }

    [Fact]
    public async Task WriteAllAsync_SummaryJson_MatchesApproved()
    {
        using var temp = new TempDirectory();

        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        Approvals.Verify("summary.json", await File.ReadAllTextAsync(Path.Combine(temp.Path, "summary.json")));
    }

    [Fact]
    public async Task WriteAllAsync_CostReportCsv_SectionTotalsEqualSumOfRows()
    {
        using var temp = new TempDirectory();
        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        var records = CsvReading.Parse(await File.ReadAllTextAsync(Path.Combine(temp.Path, "cost-report.csv")));

        var header = records[0];
        var spent = Array.IndexOf(header, "spent_usd");
        var jobs = Array.IndexOf(header, "jobs");
        var overall = records.Single(r => r[0] == "overall");
        foreach (var section in records.Skip(1).Where(r => r[0] != "overall").GroupBy(r => r[0]))
        {
            var rows = section.Where(r => r[2] != "total").ToList();
            var total = section.Single(r => r[2] == "total");
            rows.Sum(r => decimal.Parse(r[spent], System.Globalization.CultureInfo.InvariantCulture))
                .ShouldBe(decimal.Parse(total[spent], System.Globalization.CultureInfo.InvariantCulture), section.Key);
            rows.Sum(r => int.Parse(r[jobs], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(7, section.Key);
            total[spent].ShouldBe(overall[spent]);
        }
    }

    [Fact]
    public async Task WriteAllAsync_ResultsCsv_HostileTextRoundTrips()
    {
        using var temp = new TempDirectory();
        await ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, ContactSheetOptions.Default, CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(Path.Combine(temp.Path, "results.csv"));
        var records = CsvReading.Parse(System.Text.Encoding.UTF8.GetString(bytes));

        bytes.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var header = records[0];
        header.ShouldContain("axis:style");
        header.ShouldContain("latency_seconds");
        records.Skip(1).Select(r => r[0]).ShouldBe(ReportFixtures.Jobs().Select(j => j.Id).Order(StringComparer.Ordinal));
        records.ShouldAllBe(r => r.Length == header.Length);
        var hostile = records.Single(r => r[0] == "a1b2c3d4e5f60004");
        hostile[Array.IndexOf(header, "prompt")].ShouldBe(ReportFixtures.HostilePrompt);
        hostile[Array.IndexOf(header, "latency_seconds")].ShouldBe("61.9");
        hostile[Array.IndexOf(header, "submitted_at")].ShouldBe("2026-11-21T10:00:20Z");
        hostile[Array.IndexOf(header, "estimated_cost_usd")].ShouldBe("0.375");
    }

    [Theory]
    [InlineData("mood", null, "--rows mood: not an axis of this batch; use one of: style, seed, provider")]
    [InlineData(null, "mood", "--cols mood: not an axis of this batch; use one of: style, seed, provider")]
    [InlineData("seed", "seed", "--rows and --cols are both 'seed'; choose two different axes")]
    public async Task WriteAllAsync_BadSheetAxes_ValidateSaysWhyAndWriteThrows(string? rows, string? cols, string expected)
    {
        using var temp = new TempDirectory();
        var options = new ContactSheetOptions(rows, cols);

        ReportWriter.Validate(ReportFixtures.Input(), options).ShouldBe(expected);
        var error = await Should.ThrowAsync<ArgumentException>(() => ReportWriter.WriteAllAsync(ReportFixtures.Input(), temp.Path, options, CancellationToken.None));
        error.Message.ShouldStartWith(expected);
    }
}
