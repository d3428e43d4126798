using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class ReportTargetTests
{
    [Fact]
    public async Task ClassifyAsync_SqliteFile_IsLedgerWhateverItsName()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "batch.sqlite");
        await File.WriteAllBytesAsync(path, [.. "SQLite format 3\0"u8, .. new byte[84]]);

        (await ReportTarget.ClassifyAsync(path, CancellationToken.None)).ShouldBe((ReportTargetKind.Ledger, null));
    }

    [Fact]
    public async Task ClassifyAsync_YamlFile_IsManifest()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("sweep.yaml", "name: sweep\n");

        (await ReportTarget.ClassifyAsync(path, CancellationToken.None)).ShouldBe((ReportTargetKind.Manifest, null));
        ReportInput.NameFor(path, ReportTargetKind.Manifest).ShouldBe("sweep");
    }

    [Fact]
    public async Task ClassifyAsync_DirectoryWithLedger_IsLedgerAndPathPointsInside()
    {
        using var temp = new TempDirectory();
        temp.Write("ledger.db", "x");

        (await ReportTarget.ClassifyAsync(temp.Path, CancellationToken.None)).Kind.ShouldBe(ReportTargetKind.Ledger);
        ReportTarget.LedgerPath(temp.Path).ShouldBe(Path.Combine(temp.Path, "ledger.db"));
    }

    [Fact]
    public async Task ClassifyAsync_MissingFile_ReturnsOneLineError()
    {
        var (kind, error) = await ReportTarget.ClassifyAsync("/nope/sweep.yaml", CancellationToken.None);

        kind.ShouldBeNull();
        error.ShouldBe("/nope/sweep.yaml: no such file; pass a manifest (.yaml, .csv) or a ledger (ledger.db)");
    }
}
