using System.Text;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Csv;

namespace BatchGen.Tests.Manifests;

/// <summary>
/// A CSV of <see cref="CsvRows.ParseOnReadFrom"/> rows or more never holds its rows parsed, not even while it is
/// checked: every error is still reported at its file:line:col in one pass, wherever the row is; a value the checks
/// rejected stays rejected when its row is parsed again (no second error from it); rows combined with a matrix (each
/// row read once per matrix value) expand to the same jobs as rows held parsed.
/// </summary>
public sealed class LargeCsvLoadTests : IDisposable
{
    private readonly ManifestHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Load_100000Rows_EveryErrorAtItsLineAndColumnInOnePass()
    {
        var path = _harness.Write("errors.csv", ErrorsCsv(100_000));

        var result = ManifestHarness.LoadFile(path, maxJobs: 1_000_000);

        result.Manifest.ShouldBeNull();
        result.Errors.Select(e => _harness.Relative(e.ToString())).ShouldBe(
        [
            "errors.csv:501:4: resolution: '999p' is not one of: 360p, 540p, 720p, 1080p",
            "errors.csv:1501:3: template: unknown variable {colour}; declare it as a matrix, zip, rows or include key (write {{ for a literal brace)",
            "errors.csv:90001:3: template: unknown variable {nope}; declare it as a matrix, zip, rows or include key (write {{ for a literal brace)",
            "errors.csv:95001:5: duration: expected a whole number, found 'abc'",
            "errors.csv:97001:5: duration: aimlapi refuses 1080p with 8 s (its API schema says so) (provider=aimlapi, resolution=1080p, duration=8; resolution at errors.csv:97001:4, duration at errors.csv:97001:5, provider at errors.csv:97001:1)",
            "errors.csv:99001:1: rows: row has 6 fields but the header has 5; quote cells that contain commas",
        ]);
    }

    [Fact]
    public void Load_LargeAndSmallCsvWithTheSameBadRows_SameErrors()
    {
        var large = ManifestHarness.LoadFile(_harness.Write("large.csv", ErrorsCsv(CsvRows.ParseOnReadFrom + 500)));
        var small = ManifestHarness.LoadFile(_harness.Write("small.csv", ErrorsCsv(CsvRows.ParseOnReadFrom - 1)));

        // The small file holds its rows parsed; the large one re-parses them: its first rows' errors are the same.
        var smallErrors = small.Errors.Select(e => e.ToString().Replace("small.csv", "X", StringComparison.Ordinal)).ToList();
        var largeErrors = large.Errors.Select(e => e.ToString().Replace("large.csv", "X", StringComparison.Ordinal)).ToList();
        smallErrors.Count.ShouldBe(1);
        largeErrors.Take(smallErrors.Count).ShouldBe(smallErrors);
        largeErrors.ShouldContain(e => e.Contains(":1501:3: template: unknown variable {colour}", StringComparison.Ordinal));
        largeErrors.Count.ShouldBe(2, string.Join("\n", largeErrors));
    }

    [Theory]
    [InlineData(CsvRows.ParseOnReadFrom - 1)]
    [InlineData(CsvRows.ParseOnReadFrom)]
    public void Load_UnknownVariableInARow_OneErrorAndTheRowsRulesSkipped(int rows)
    {
        // No cell fails to parse: only the template check rejects a value, and the rules must still skip it.
        var csv = new StringBuilder("provider,image_url,prompt,resolution,duration\n");
        for (var r = 1; r <= rows; r++)
        {
            csv.Append("aimlapi,https://example.com/a.png,").Append(r == 7 ? "a {shade} lighthouse" : $"shot {r}: a lighthouse").Append(",360p,5\n");
        }

        var result = ManifestHarness.LoadFile(_harness.Write("unknown.csv", csv.ToString()));

        result.Errors.Select(e => _harness.Relative(e.ToString())).ShouldBe(
        [
            "unknown.csv:8:3: template: unknown variable {shade}; declare it as a matrix, zip, rows or include key (write {{ for a literal brace)",
        ]);
    }

    [Fact]
    public void Load_RowsFileTimesMatrix_SameJobsAsRowsHeldParsed()
    {
        var yaml = """
            version: 1
            rows: {0}
            defaults: {{provider: segmind, image_url: "https://example.com/i.png"}}
            matrix:
              motion_mode: [normal, fast]
            output:
              filename: "{{provider}}/{{motion_mode}}/{{job_id}}.mp4"
            """;
        var rows = CsvRows.ParseOnReadFrom;
        _harness.Write("large.csv", RowsCsv(rows));
        _harness.Write("small.csv", RowsCsv(rows - 1));
        var large = _harness.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, yaml, "large.csv"), name: "large.yaml");
        var small = _harness.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, yaml, "small.csv"), name: "small.yaml");
        large.Errors.ShouldBeEmpty(string.Join("\n", large.Errors));
        small.Errors.ShouldBeEmpty(string.Join("\n", small.Errors));

        var compact = large.Manifest!.Jobs().ToList();
        var held = small.Manifest!.Jobs().ToList();

        compact.Count.ShouldBe(2 * rows);
        held.Count.ShouldBe(2 * (rows - 1));
        compact.Take(held.Count).Select(Key).ShouldBe(held.Select(Key));
        compact[3].Parameters.Prompt.ShouldBe("shot 1: a cat on a wall, fast");
        compact[^1].Parameters.MotionMode.ShouldBe("fast");
        large.Manifest.Jobs().Select(Key).ShouldBe(compact.Select(Key));
    }

    private static string Key(BatchGen.Core.Jobs.JobSpec job) =>
        $"{job.Id}|{job.Parameters.Prompt}|{job.Parameters.MotionMode}|{job.Parameters.Duration}|{job.OutputPath}|{string.Join(",", job.Axes)}";

    /// <summary>aimlapi rows with a bad enum (row 500), unknown template variables (1500, 90,000), a bad integer
    /// (95,000), a rule broken by two valid values (97,000) and a ragged row (99,000), where the file has them.</summary>
    private static string ErrorsCsv(int rows)
    {
        var csv = new StringBuilder("provider,image_url,prompt,resolution,duration\n");
        for (var r = 1; r <= rows; r++)
        {
            var (resolution, duration, prompt) = r switch
            {
                500 => ("999p", "5", $"shot {r}: a lighthouse"),
                1500 => ("360p", "5", "a {colour} lighthouse"),
                90_000 => ("360p", "5", "a {nope} lighthouse"),
                95_000 => ("360p", "abc", $"shot {r}: a lighthouse"),
                97_000 => ("1080p", "8", $"shot {r}: a lighthouse"),
                _ => ("360p", "5", $"shot {r}: a lighthouse"),
            };
            csv.Append("aimlapi,https://example.com/").Append(r % 10).Append(".png,").Append(prompt).Append(',').Append(resolution).Append(',').Append(duration);
            csv.Append(r == 99_000 ? ",extra\n" : "\n");
        }

        return csv.ToString();
    }

    /// <summary>Rows whose prompt uses a row variable and the matrix's motion_mode.</summary>
    private static string RowsCsv(int rows)
    {
        var csv = new StringBuilder("prompt,animal\n");
        string[] animals = ["fox in the rain", "cat on a wall", "heron at dawn"];
        for (var i = 0; i < rows; i++)
        {
            csv.Append("\"shot ").Append(i).Append(": a {animal}, {motion_mode}\",").Append(animals[i % 3]).Append('\n');
        }

        return csv.ToString();
    }
}
