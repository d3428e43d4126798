using System.Text.Json;
using System.Text.RegularExpressions;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Manifests;

/// <summary><c>validate</c> and <c>plan</c> run as a real child process: exit codes, one-line errors, JSON shape.</summary>
public sealed partial class ManifestCommandsTests : IDisposable
{
    private const string Valid = """
        version: 1
        name: it
        defaults: {image_url: "https://example.com/images/cat.png", prompt: "a {animal}"}
        matrix:
          provider: [magnific, segmind, pixwith]
          animal: [cat, dog]
        budget: {max_cost: 50}
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex(@"^[^\s:]+:\d+:\d+: [^:]+: .+$")]
    private static partial Regex DiagnosticLine();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Task<CliResult> Run(params string[] args) => CliProcess.RunAsync(_dir.Path, args);

    private static void ShouldBeOneLineError(CliResult result, string contains)
    {
        result.ExitCode.ShouldBe(2, result.StdErr);
        var line = Lines(result.StdErr).ShouldHaveSingleItem();
        line.ShouldContain(contains);
        DiagnosticLine().IsMatch(line).ShouldBeTrue(line);
        result.StdErr.ShouldNotContain("   at ");
        result.StdErr.ShouldNotContain("Exception");
    }

    [Fact]
    public async Task Validate_ValidManifest_ExitZeroWithJobCount()
    {
        _dir.Write("m.yaml", Valid);

        var result = await Run("validate", "m.yaml");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.Trim().ShouldBe("m.yaml: valid, 6 jobs");
        result.StdErr.ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_SeveralErrors_AllOnStderrOneLineEach()
    {
        _dir.Write("bad.yaml", Valid.Replace("animal: [cat, dog]", "animal: [cat]\n  duration: [7]\n  resolution: [4k]", StringComparison.Ordinal));

        var result = await Run("validate", "bad.yaml");

        result.ExitCode.ShouldBe(2);
        var lines = Lines(result.StdErr);
        lines.Length.ShouldBe(2);
        lines.ShouldAllBe(l => DiagnosticLine().IsMatch(l));
        lines[0].ShouldStartWith("bad.yaml:7:14: matrix.duration[0]: must be one of: 5, 8, 10");
        result.StdErr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Validate_MissingFile_OneLine()
    {
        ShouldBeOneLineError(await Run("validate", "nope.yaml"), "nope.yaml:1:1: manifest: file not found");
    }

    [Fact]
    public async Task Validate_Directory_OneLine()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "adir.yaml"));

        ShouldBeOneLineError(await Run("validate", "adir.yaml"), "is a directory");
    }

    [Fact]
    public async Task Validate_MalformedYaml_OneLineWithPosition()
    {
        _dir.Write("broken.yaml", "version: 1\nmatrix:\n  seed: [1, 2\nname: x\n");

        ShouldBeOneLineError(await Run("validate", "broken.yaml"), "manifest: malformed YAML");
    }

    [Theory]
    [InlineData("", "the file is empty, or is not a regular file")]
    [InlineData("provider,prompt,image_url\nmagnific,a,b,c\n", "row has 4 fields but the header has 3")]
    [InlineData("provider,prompt,prompt\nmagnific,a,b\n", "duplicate header 'prompt'")]
    public async Task Validate_BadCsv_OneLine(string csv, string contains)
    {
        _dir.Write("jobs.csv", csv);

        ShouldBeOneLineError(await Run("validate", "jobs.csv"), contains);
    }

    [Fact]
    public async Task Validate_OverMaxJobs_RefusedWithCount()
    {
        _dir.Write("m.yaml", Valid);

        ShouldBeOneLineError(await Run("validate", "m.yaml", "--max-jobs", "5"), "expands to 6 jobs, more than --max-jobs 5");
    }

    [Fact]
    public async Task Plan_Json_ParsesWithTotalsAndProviders()
    {
        _dir.Write("m.yaml", Valid);

        var result = await Run("plan", "m.yaml", "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("jobs").GetInt64().ShouldBe(6);
        root.GetProperty("estimated_cost_usd").GetDecimal().ShouldBeGreaterThan(0m);
        var providers = root.GetProperty("providers");
        providers.EnumerateObject().Select(p => p.Name).ShouldBe(["magnific", "pixwith", "segmind"]);
        providers.GetProperty("segmind").GetProperty("jobs").GetInt64().ShouldBe(2);
        providers.GetProperty("segmind").GetProperty("estimated_cost_usd").GetDecimal().ShouldBe(0.75m);
        root.GetProperty("first_jobs").GetArrayLength().ShouldBe(6);
    }

    [Fact]
    public async Task Plan_RedirectedStdout_PlainReadableText()
    {
        _dir.Write("m.yaml", Valid);

        var result = await Run("plan", "m.yaml", "--all");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldNotContain("\u001b[");
        result.StdOut.ShouldContain("Jobs: 6");
        result.StdOut.ShouldContain("Estimated cost: $");
        result.StdOut.ShouldContain("Estimated wall time: ~");
        result.StdOut.ShouldContain("All 6 jobs");
    }

    [Fact]
    public async Task Plan_InvalidManifest_ExitTwoNothingOnStdout()
    {
        _dir.Write("m.yaml", Valid.Replace("magnific, ", "magnifico, ", StringComparison.Ordinal));

        var result = await Run("plan", "m.yaml");

        result.ExitCode.ShouldBe(2);
        result.StdOut.ShouldBeEmpty();
        Lines(result.StdErr).ShouldHaveSingleItem().ShouldStartWith("m.yaml:5:14: matrix.provider[0]: must be one of:");
    }
}
