using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

/// <summary>A job with several output files: results.csv and the exports list them all, the contact sheet shows them.</summary>
public sealed class OutputsReportTests
{
    private static readonly LedgerOutput[] ThreeOutputs =
    [
        new() { Index = 1, FilePath = "fox.mp4", Bytes = 100, Sha256 = "aa", ResultUrl = "https://cdn.example/1?token=secret" },
        new() { Index = 2, FilePath = "fox-2.mp4", Bytes = 200, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.0 },
        new() { Index = 3, FilePath = "fox-3.mp4", Bytes = 300, Sha256 = "cc" },
    ];

    [Fact]
    public async Task ResultsCsv_JobWithThreeOutputs_CountAndEveryFileInOneRow()
    {
        var records = CsvReading.Parse(await WriteResultsAsync());

        var header = records[0];
        var row = records.Single(r => r[0] == "a1b2c3d4e5f60001");
        row[header.IndexOf("outputs")].ShouldBe("3");
        using var files = JsonDocument.Parse(row[header.IndexOf("output_files")]);
        files.RootElement.EnumerateArray().Select(o => o.GetProperty("file_path").GetString()).ShouldBe(["fox.mp4", "fox-2.mp4", "fox-3.mp4"]);
        files.RootElement[1].GetProperty("sha256").GetString().ShouldBe("bb");
        files.RootElement[1].GetProperty("width").GetInt32().ShouldBe(1280);
        files.RootElement[2].GetProperty("width").ValueKind.ShouldBe(JsonValueKind.Null);
        records.Count.ShouldBe(ReportFixtures.Jobs().Count + 1, "one row per job: costs still add up");
    }

    [Fact]
    public async Task ResultsCsv_JobRecordedBeforeOutputRecords_FirstOutputFromTheJobRow()
    {
        var records = CsvReading.Parse(await WriteResultsAsync(withOutputs: false));

        var header = records[0];
        var row = records.Single(r => r[0] == "a1b2c3d4e5f60001");
        row[header.IndexOf("outputs")].ShouldBe("1");
        row[header.IndexOf("output_files")].ShouldContain("\"index\":1");
    }

    [Fact]
    public async Task ExportJsonl_JobWithThreeOutputs_OutputsArrayWithoutResultUrls()
    {
        using var output = new StringWriter();

        await Exporter.ExportAsync(Jobs(), Exporter.Jsonl, output, CancellationToken.None);

        var line = output.ToString().Split('\n').First(l => l.Contains("a1b2c3d4e5f60001", StringComparison.Ordinal));
        line.ShouldNotContain("secret");
        using var json = JsonDocument.Parse(line);
        var outputs = json.RootElement.GetProperty("outputs");
        outputs.GetArrayLength().ShouldBe(3);
        outputs[2].GetProperty("index").GetInt32().ShouldBe(3);
        outputs[2].GetProperty("bytes").GetInt64().ShouldBe(300);
    }

    [Fact]
    public void ContactSheet_JobWithThreeOutputs_ShowsTheOtherTwoUnderTheFirst()
    {
        var input = ReportFixtures.Input(Jobs(), outputRoot: "/data/batch");
        var model = ReportModel.Build(input);
        var (layout, _) = ContactSheetLayout.Resolve(model, ContactSheetOptions.Default);

        var html = ContactSheetHtml.Render(model, layout!, "/data/batch");

        html.ShouldContain("<div class=\"outputs\" title=\"3 outputs\">");
        html.ShouldContain("<video src=\"fox-2.mp4\"");
        html.ShouldContain("<video src=\"fox-3.mp4\"");
        html.ShouldContain("title=\"output 3 of 3: fox-3.mp4\"");
    }

    private static List<LedgerJob> Jobs(bool withOutputs = true) =>
        ReportFixtures.Jobs()
            .Select(j => j.Id == "a1b2c3d4e5f60001"
                ? j with { FilePath = "fox.mp4", Bytes = 100, Sha256 = "aa", Outputs = withOutputs ? ThreeOutputs : [] }
                : j)
            .ToList();

    private static async Task<string> WriteResultsAsync(bool withOutputs = true)
    {
        using var output = new StringWriter();
        await ResultsCsv.WriteAsync(ReportModel.Build(ReportFixtures.Input(Jobs(withOutputs))), output, CancellationToken.None);
        return output.ToString();
    }
}
