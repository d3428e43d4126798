using System.Text;
using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

public sealed class CsvEdgeCaseTests : IDisposable
{
    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private ManifestLoadResult LoadCsv(string content, Encoding? encoding = null)
    {
        var path = Path.Combine(_h.Directory, "jobs.csv");
        File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        return ManifestLoader.Load(path, new ManifestLoadOptions());
    }

    private List<string> ErrorsOf(ManifestLoadResult result) => result.Errors.Select(e => _h.Relative(e.ToString())).ToList();

    [Fact]
    public void Load_Utf8BomCrlfQuotedCommasQuotesAndNewlines_ReadExactly()
    {
        var csv = "provider,prompt,image_url\r\n"
            + "magnific,\"a cat, on a mat\",https://x.test/a.png\r\n"
            + "magnific,\"she said \"\"hi\"\"\",https://x.test/b.png\r\n"
            + "magnific,\"two\r\nlines\",https://x.test/c.png\r\n"
            + "magnific,富士山と桜 🌸,https://x.test/d.png\r\n";

        var result = LoadCsv(csv, new UTF8Encoding(true));

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Manifest!.Jobs().Select(j => j.Parameters.Prompt).ShouldBe(["a cat, on a mat", "she said \"hi\"", "two\r\nlines", "富士山と桜 🌸"]);
        result.Manifest.Axes[0].ShouldBe("provider");
    }

    [Fact]
    public void Load_EmptyCell_LeavesFieldUnset()
    {
        var result = LoadCsv("provider,prompt,image_url,resolution,seed\ngmicloud,p,https://x.test/a.png,,\ngmicloud,p,https://x.test/a.png,720p,3\n");

        var jobs = result.Manifest!.Jobs().ToList();
        jobs[0].Parameters.Resolution.ShouldBe("540p");
        jobs[0].Parameters.Seed.ShouldBeNull();
        jobs[1].Parameters.Seed.ShouldBe(3);
    }

    [Fact]
    public void Load_EmptyCellAndWrittenDefault_SameRequestCollapsed()
    {
        var result = LoadCsv("provider,prompt,image_url,duration\nmagnific,p,https://x.test/a.png,\nmagnific,p,https://x.test/a.png,5\n");

        result.Manifest!.JobCount.ShouldBe(1);
        result.Manifest.Jobs().Count().ShouldBe(1);
        result.Warnings.ShouldContain(w => w.Message.Contains("1 duplicate combination(s) collapsed", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EmptyFile_OneLineError()
    {
        ErrorsOf(LoadCsv(string.Empty)).ShouldBe(["jobs.csv:1:1: manifest: the file is empty, or is not a regular file (a device, pipe or socket cannot be read as a manifest)"]);
    }

    [Fact]
    public void Load_HeaderOnly_OneLineError()
    {
        ErrorsOf(LoadCsv("provider,prompt,image_url\n")).ShouldBe(["jobs.csv:2:1: rows: no rows under the header: add one row per job"]);
    }

    [Fact]
    public void Load_RaggedRow_ErrorAtItsLine()
    {
        ErrorsOf(LoadCsv("provider,prompt,image_url\nmagnific,p,https://x.test/a.png\nmagnific,a, b,https://x.test/a.png\n"))
            .ShouldBe(["jobs.csv:3:1: rows: row has 4 fields but the header has 3; quote cells that contain commas"]);
    }

    [Fact]
    public void Load_DuplicateHeader_ErrorAtSecondColumn()
    {
        ErrorsOf(LoadCsv("provider,prompt,prompt,image_url\nmagnific,a,b,https://x.test/a.png\n"))
            .ShouldBe(["jobs.csv:1:3: prompt: duplicate header 'prompt' (also column 2): each column needs its own name"]);
    }

    [Fact]
    public void Load_BadCell_ErrorAtRowAndColumn()
    {
        ErrorsOf(LoadCsv("provider,prompt,image_url,duration\nmagnific,p,https://x.test/a.png,5\nmagnific,\"multi\nline\",https://x.test/a.png,6\n"))
            .ShouldBe(["jobs.csv:3:4: duration: 6 is not one of: 5, 8, 10"]);
    }

    [Fact]
    public void Load_MisspeltHeader_DidYouMean()
    {
        ErrorsOf(LoadCsv("provider,promt,image_url\nmagnific,p,https://x.test/a.png\n"))
            .ShouldContain("jobs.csv:1:2: promt: 'promt' is not a job field and no template uses it; did you mean 'prompt'?");
    }

    [Fact]
    public void Load_RowsFileMissing_ErrorAtTheRowsKey()
    {
        var errors = _h.Errors("version: 1\nrows: nowhere.csv\n");

        errors.ShouldBe(["m.yaml:2:7: rows: CSV file 'nowhere.csv' not found (paths are relative to the manifest)"]);
    }
}
