using BatchGen.Cli.Rendering;
using BatchGen.Cli.Run;
using BatchGen.Core.Costs;
using BatchGen.Core.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace BatchGen.Tests.Cli;

public sealed class ProgressRendererTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly RunProgress _progress = new();
    private readonly TestConsole _console = new();

    [Fact]
    public void Snapshot_MidRun_ShowsQueuedAsNotSubmittedAndATotalsRow()
    {
        var magnific = _progress.For("magnific");
        magnific.AddQueued(27);
        magnific.AddQueued(-3);
        magnific.AddInFlight(2);
        magnific.AddSucceeded();
        magnific.AddSpent(0.45m);
        _progress.Budget = new BudgetGate(10m, new Dictionary<string, decimal>(), 4m, new Dictionary<string, decimal> { ["magnific"] = 4m });
        var sut = CreateSut(totalJobs: 30, simulated: true);

        var text = Render(sut);

        // Columns: provider, queued, in flight, done, failed, blocked, held, req/s, ETA, spent.
        var row = Cells(Line(text, "magnific"));
        row[1].ShouldBe("24"); // queued: 27 not submitted, 3 of them since submitted (not a channel window)
        row[2].ShouldBe("2");
        var total = Cells(Line(text, "total"));
        total[3].ShouldBe("1/30");
        var caption = Flat(text);
        caption.ShouldContain("budget left $6.00 of $10.00");
        caption.ShouldContain("spent $4.00 (simulated)");
        caption.ShouldContain("elapsed under a second");
    }

    [Fact]
    public void Snapshot_JobsInFlightBeforeAnyFinished_EtaIsUnknownNeverZero()
    {
        var lane = _progress.For("segmind");
        lane.AddInFlight(4);
        var sut = CreateSut(totalJobs: 4, simulated: false);
        _ = sut.Snapshot();
        _time.Advance(TimeSpan.FromSeconds(30));

        var text = Render(sut);

        text.ShouldNotContain("00:00:00");
        Cells(Line(text, "segmind"))[8].ShouldBe("--");
        Flat(text).ShouldContain("ETA --");
        Flat(text).ShouldContain("no budget cap");
    }

    [Fact]
    public void Snapshot_LongBatch_EtaOverADayInWords()
    {
        var lane = _progress.For("gmicloud");
        lane.AddQueued(10_000);
        var sut = CreateSut(totalJobs: 10_006, simulated: false);
        _ = sut.Snapshot();
        for (var i = 0; i < 6; i++)
        {
            lane.AddSucceeded();
        }

        _time.Advance(TimeSpan.FromMinutes(1));

        var text = Render(sut);

        Flat(text).ShouldContain("ETA 1 day, 3 hours");
        text.ShouldContain("6/10,006");
    }

    [Fact]
    public void Create_NoColor_KeepsCursorControlForTheLiveView()
    {
        using var writer = new StringWriter();
        var console = ConsoleFactory.Create(writer, redirected: false, noColor: true);

        console.Profile.Capabilities.ColorSystem.ShouldBe(ColorSystem.NoColors);
        console.Profile.Capabilities.Ansi.ShouldBeTrue();
    }

    public void Dispose() => _console.Dispose();

    private ProgressRenderer CreateSut(long totalJobs, bool simulated) =>
        new(_progress, _console, TextWriter.Null, _time, new ProgressView(totalJobs, simulated), live: true);

    private string Render(ProgressRenderer sut)
    {
        _console.Profile.Width = 160;
        _console.Write(sut.Snapshot());
        return _console.Output;
    }

    /// <summary>The caption wraps under the table: compare its words, not its line breaks.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static string[] Cells(string line) => line.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray();

    private static string Line(string text, string startsWith) =>
        text.Split('\n').Last(l => l.TrimStart('│', ' ').StartsWith(startsWith, StringComparison.Ordinal));
}
