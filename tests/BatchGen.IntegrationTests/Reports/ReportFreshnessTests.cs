using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>
/// <c>run</c> on a finished batch leaves reports that would come out the same untouched, and rewrites them when one
/// was edited (real CLI, embedded simulator, real SQLite ledger).
/// </summary>
public sealed class ReportFreshnessTests
{
    [Fact]
    public async Task Rerun_FinishedBatch_ReportsKeptUntilOneIsTouched()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "fresh", 6);
        var outDir = Path.Combine(dir.Path, "out");
        string[] args = ["run", manifest, "--simulate", "--time-scale", "0.05", "--progress", "none", "--out", outDir];
        var first = await CliProcess.RunAsync(dir.Path, null, args);
        first.ExitCode.ShouldBe(0, first.StdErr);
        var summary = Path.Combine(outDir, "summary.json");
        var results = Path.Combine(outDir, "results.csv");
        var written = File.GetLastWriteTimeUtc(summary);
        var text = await File.ReadAllTextAsync(summary);

        var second = await CliProcess.RunAsync(dir.Path, null, args);

        second.ExitCode.ShouldBe(0, second.StdErr);
        File.GetLastWriteTimeUtc(summary).ShouldBe(written, "nothing changed: the reports are not written again");
        (await File.ReadAllTextAsync(summary)).ShouldBe(text);

        File.SetLastWriteTimeUtc(results, written.AddMinutes(-5));
        var third = await CliProcess.RunAsync(dir.Path, null, args);

        third.ExitCode.ShouldBe(0, third.StdErr);
        File.GetLastWriteTimeUtc(summary).ShouldNotBe(written, "a report was touched: all are written again");
        (await File.ReadAllTextAsync(summary)).ShouldBe(text, "same ledger, same bytes");
    }
}
