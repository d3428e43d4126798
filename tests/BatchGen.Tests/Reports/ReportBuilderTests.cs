using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class ReportBuilderTests
{
    [Fact]
    public async Task BuildAsync_NoOutDirectory_WritesIntoTheBatchOutputDirectory()
    {
        using var temp = new TempDirectory();
        var request = new ReportRequest("sweep", temp.Path, null, ContactSheetOptions.Default);

        var outcome = await ReportBuilder.BuildAsync(request, ReportFixtures.Jobs(), CancellationToken.None);

        outcome.Succeeded.ShouldBeTrue();
        outcome.Written.Count.ShouldBe(6);
        outcome.Written.ShouldAllBe(p => Path.GetDirectoryName(p) == temp.Path);
    }

    [Fact]
    public async Task BuildAsync_UnknownAxis_ReturnsErrorAndWritesNothing()
    {
        using var temp = new TempDirectory();
        var request = new ReportRequest("sweep", temp.Path, null, new ContactSheetOptions("mood", null));

        var outcome = await ReportBuilder.BuildAsync(request, ReportFixtures.Jobs(), CancellationToken.None);

        outcome.Error.ShouldBe("--rows mood: not an axis of this batch; use one of: style, seed, provider");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task BuildAsync_SameRowsAfterResume_SameBytesAsUninterruptedRun()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var jobs = ReportFixtures.Jobs();

        await ReportBuilder.BuildAsync(new ReportRequest("sweep", first.Path, null, ContactSheetOptions.Default), jobs, CancellationToken.None);
        await ReportBuilder.BuildAsync(new ReportRequest("sweep", second.Path, null, ContactSheetOptions.Default), [.. jobs.Reverse()], CancellationToken.None);

        foreach (var name in new[] { "results.csv", "cost-report.md", "summary.json", "contact-sheet.html" })
        {
            (await File.ReadAllTextAsync(Path.Combine(second.Path, name))).ShouldBe(await File.ReadAllTextAsync(Path.Combine(first.Path, name)), name);
        }
    }

    [Fact]
    public void FromLedger_NoAxesGiven_InfersDeclaredOrderAndUsesLastUpdateAsTime()
    {
        var jobs = ReportFixtures.Jobs();

        var input = ReportInput.FromLedger("sweep", jobs, "/out");

        input.Axes.ShouldBe(["style", "seed"]);
        input.GeneratedAt.ShouldBe(jobs.Max(j => j.UpdatedAt));
        input.OutputRoot.ShouldBe("/out");
    }

    [Fact]
    public async Task ExportRunner_ToFile_WritesAtomicallyAndUnknownFormatIsAnError()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "jobs.jsonl");
        using var stdout = new StringWriter();

        (await ExportRunner.ExportAsync(ReportFixtures.Jobs(), "jsonl", file, stdout, CancellationToken.None)).ShouldBeNull();
        (await ExportRunner.ExportAsync(ReportFixtures.Jobs(), "xlsx", file, stdout, CancellationToken.None))
            .ShouldBe("--format xlsx: unknown export format; use csv or jsonl");

        (await File.ReadAllLinesAsync(file)).Length.ShouldBe(7);
        stdout.ToString().ShouldBeEmpty();
        Directory.GetFiles(temp.Path).ShouldBe([file]);
    }
}
