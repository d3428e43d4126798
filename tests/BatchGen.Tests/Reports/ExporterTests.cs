using System.Text.Json;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class ExporterTests
{
    [Fact]
    public async Task ExportAsync_Jsonl_OneParsableObjectPerJobSortedById()
    {
        using var output = new StringWriter();

        await Exporter.ExportAsync(ReportFixtures.Jobs().Reverse(), "jsonl", output, CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(7);
        var documents = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        documents.Select(d => d.GetProperty("id").GetString()).ShouldBe(ReportFixtures.Jobs().Select(j => j.Id).Order(StringComparer.Ordinal));
        var hostile = documents.Single(d => d.GetProperty("id").GetString() == "a1b2c3d4e5f60004");
        hostile.GetProperty("parameters").GetProperty("prompt").GetString().ShouldBe(ReportFixtures.HostilePrompt);
        hostile.GetProperty("estimated_cost_usd").GetDecimal().ShouldBe(0.375m);
        hostile.GetProperty("axes").GetProperty("seed").GetString().ShouldBe("2");
        documents[0].GetProperty("actual_cost_usd").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task ExportAsync_Csv_QuotesCommasQuotesNewlinesAndKeepsEmoji()
    {
        using var output = new StringWriter();

        await Exporter.ExportAsync(ReportFixtures.Jobs(), "csv", output, CancellationToken.None);

        var text = output.ToString();
        text.ShouldContain("\"<script>alert(1)</script> \"\"quoted\"\", comma\nnew line 🎬 \u2028end\"");
        var records = CsvReading.Parse(text);
        records.Count.ShouldBe(8);
        records[0].ShouldContain("axis:style");
        records[0].ShouldContain("axis:seed");
        records[0].ShouldNotContain("spent_usd");
    }

    [Fact]
    public async Task ExportAsync_UnknownFormat_Throws()
    {
        using var output = new StringWriter();

        var error = await Should.ThrowAsync<ArgumentException>(() => Exporter.ExportAsync(ReportFixtures.Jobs(), "xml", output, CancellationToken.None));

        error.Message.ShouldStartWith("unknown export format 'xml'; use csv or jsonl");
    }
}
