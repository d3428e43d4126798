using System.Text.Json;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Manifests;

/// <summary>
/// The real <c>batchgen</c> process: five independent errors of five kinds in one run, and a manifest of defaults only
/// planned and run as one job.
/// </summary>
public sealed class OnePassValidationCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Validate_FiveIndependentErrorsOfFiveKinds_FiveLinesOneRunExitTwo()
    {
        // A template error, a type error, an enum typo, a per-provider rule and an unknown key: one line each.
        _dir.Write("five.yaml", """
            version: 1
            name: five
            defaults:
              prompt: "a {subjct} at dusk"
              image_url: https://example.com/images/cat.png
              seed: abc
            matrix:
              provider: [pixwith, segmnd]
              duration: [10]
            repaet: 2
            """);

        var result = await CliProcess.RunAsync(_dir.Path, "validate", "five.yaml");

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdOut.ShouldBeEmpty();
        var lines = Lines(result.StdErr);
        lines.Length.ShouldBe(5, result.StdErr);
        lines[0].ShouldStartWith("five.yaml:4:11: template: unknown variable {subjct}");
        lines[1].ShouldBe("five.yaml:6:9: defaults.seed: expected a whole number");
        lines[2].ShouldBe("five.yaml:8:23: matrix.provider[1]: must be one of: magnific, gmicloud, aimlapi, pixwith, segmind; did you mean 'segmind'?");
        lines[3].ShouldStartWith("five.yaml:9:14: duration: pixwith offers 5 or 8 s only");
        lines[4].ShouldBe("five.yaml:10:1: repaet: unknown key 'repaet'; did you mean 'repeat'?");
    }

    [Fact]
    public async Task PlanAndRun_DefaultsOnly_OneJobPlannedAndRunUnderSimulate()
    {
        _dir.Write("single.yaml", """
            version: 1
            name: single
            defaults:
              provider: magnific
              prompt: a lighthouse at dawn
              image_url: https://example.com/images/lighthouse.png
            """);
        var output = Path.Combine(_dir.Path, "out");

        var plan = await CliProcess.RunAsync(_dir.Path, "plan", "single.yaml", "--json");
        var run = await CliProcess.RunAsync(_dir.Path, "run", "single.yaml", "--simulate", "--progress", "none", "--out", output);

        plan.ExitCode.ShouldBe(0, plan.StdErr);
        using (var json = JsonDocument.Parse(plan.StdOut))
        {
            json.RootElement.GetProperty("jobs").GetInt64().ShouldBe(1);
        }

        run.ExitCode.ShouldBe(0, run.StdErr);
        var video = Directory.GetFiles(output, "*.mp4", SearchOption.AllDirectories).ShouldHaveSingleItem();
        new FileInfo(video).Length.ShouldBeGreaterThan(0);
        Path.GetFileName(Path.GetDirectoryName(video)).ShouldBe("magnific");
    }
}
