using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.Core.Providers;
using BatchGen.Core.Reports;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>
/// Loads a generated contact sheet (real MP4 files beside it, a hostile prompt) in headless Debian chromium:
/// it renders a screenshot, its script runs to the end without throwing, and the prompt stays text.
/// Set BATCHGEN_KEEP_SHEET=DIR to keep the page and the screenshot for a look.
/// </summary>
public sealed class ContactSheetBrowserTests : IAsyncLifetime, IDisposable
{
    private const string HostilePrompt = "<script>alert(1)</script> a fox & \"friends\" 🦊";
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    private string OutputDirectory => Path.Combine(_temp.Path, "out dir");

    private string SheetUrl => new Uri(Path.Combine(OutputDirectory, ReportWriter.ContactSheetFile)).AbsoluteUri;

    public async Task InitializeAsync()
    {
        var jobs = new List<LedgerJob>();
        var styles = new[] { "anime", "clay", "cyberpunk" };
        var providers = new[] { ProviderNames.Magnific, ProviderNames.Segmind, ProviderNames.AimlApi };
        var n = 0;
        foreach (var style in styles)
        {
            foreach (var provider in providers)
            {
                n++;
                var state = n switch { 5 => JobState.Failed, 9 => JobState.Pending, 8 => JobState.Running, _ => JobState.Succeeded };
                var job = Job($"{n:x16}", provider, style, state, n == 1 ? HostilePrompt : $"a fox in the snow, take {n}", n);
                if (state == JobState.Succeeded)
                {
                    var file = Path.Combine(OutputDirectory, job.Spec.OutputPath);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllBytesAsync(file, TinyMp4.Create(TimeSpan.FromSeconds(5), 1280, 720));
                    (await Mp4Probe.ProbeFileAsync(file, CancellationToken.None)).Error.ShouldBeNull();
                }

                jobs.Add(job);
            }
        }

        var input = new ReportInput("fox sweep <b>v2</b>", ["style", "seed"], jobs, T0.AddHours(1));
        await ReportWriter.WriteAllAsync(input, OutputDirectory, ContactSheetOptions.Default, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Screenshot_ContactSheet_RendersNonEmptyPng()
    {
        HeadlessChromium.EnsureInstalled();
        var png = Path.Combine(_temp.Path, "sheet.png");

        var (exitCode, _, stderr) = await HeadlessChromium.RunAsync(
            Path.Combine(_temp.Path, "profile-shot"),
            [$"--screenshot={png}", "--window-size=1280,900", "--hide-scrollbars", SheetUrl],
            CancellationToken.None);

        exitCode.ShouldBe(0, stderr);
        File.Exists(png).ShouldBeTrue(stderr);
        var bytes = await File.ReadAllBytesAsync(png);
        bytes.Length.ShouldBeGreaterThan(10_000);
        bytes.Take(8).ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Keep(png);
    }

    [Fact]
    public async Task DumpDom_ContactSheet_ScriptRanWithoutErrorsAndPromptIsText()
    {
        HeadlessChromium.EnsureInstalled();

        var (exitCode, dom, stderr) = await HeadlessChromium.RunAsync(
            Path.Combine(_temp.Path, "profile-dom"),
            ["--enable-logging=stderr", "--v=0", "--dump-dom", SheetUrl],
            CancellationToken.None);

        exitCode.ShouldBe(0, stderr);
        dom.ShouldContain("data-ready=\"1\"", customMessage: "the page script did not reach its end");
        dom.ShouldContain("9 of 9 jobs shown");
        dom.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; a fox &amp; \"friends\" 🦊");
        dom.ShouldNotContain("<script>alert");
        dom.ShouldContain("<h1>fox sweep &lt;b&gt;v2&lt;/b&gt;</h1>");
        dom.ShouldContain("<video src=\"videos/anime/0000000000000001.mp4\"");
        var consoleErrors = stderr.Split('\n')
            .Where(line => line.Contains("CONSOLE", StringComparison.Ordinal) || line.Contains("Uncaught", StringComparison.Ordinal))
            .ToList();
        consoleErrors.ShouldBeEmpty(string.Join('\n', consoleErrors));
        Keep(Path.Combine(OutputDirectory, ReportWriter.ContactSheetFile));
    }

    [Fact]
    public async Task DumpDom_FilterPresetInAddress_HidesNonMatchingCells()
    {
        HeadlessChromium.EnsureInstalled();

        var (exitCode, dom, stderr) = await HeadlessChromium.RunAsync(
            Path.Combine(_temp.Path, "profile-filter"),
            ["--dump-dom", SheetUrl + "#provider=segmind&style=clay"],
            CancellationToken.None);

        exitCode.ShouldBe(0, stderr);
        dom.ShouldContain("data-ready=\"1\"");
        dom.ShouldContain("1 of 9 jobs shown");
        dom.ShouldContain("<figure class=\"card\" data-job=\"4\">");
        dom.ShouldContain("<figure class=\"card\" data-job=\"0\" hidden=\"\">");
        dom.ShouldContain("<tr data-row=\"anime\" hidden=\"\">");
    }

    private static LedgerJob Job(string id, string provider, string style, JobState state, string prompt, int n)
    {
        var submitted = state == JobState.Pending ? (DateTimeOffset?)null : T0.AddSeconds(n);
        var done = state == JobState.Succeeded;
        var seed = (n % 2).ToString(CultureInfo.InvariantCulture);
        return new LedgerJob
        {
            Spec = new JobSpec
            {
                Id = id,
                Provider = provider,
                Parameters = new JobParameters
                {
                    Prompt = prompt,
                    ImageUrl = "https://example.com/fox.png",
                    Duration = 5,
                    Resolution = "720p",
                    AspectRatio = "16:9",
                    Style = style,
                    Seed = n % 2,
                },
                Axes = [new("style", style), new("seed", seed)],
                OutputPath = $"videos/{style}/{id}.mp4",
            },
            State = state,
            Attempts = submitted is null ? 0 : 1,
            RemoteId = submitted is null ? null : $"task-{n}",
            SubmittedAt = submitted,
            CompletedAt = done ? submitted?.AddSeconds(40 + n * 3) : null,
            FilePath = done ? $"videos/{style}/{id}.mp4" : null,
            Bytes = done ? 1000 : null,
            EstimatedCostUsd = 0.45m + n * 0.01m,
            ActualCostUsd = provider == ProviderNames.AimlApi && done ? 0.40m : null,
            ErrorClass = state == JobState.Failed ? ErrorClass.Permanent : null,
            ErrorCode = state == JobState.Failed ? "moderation" : null,
            ErrorMessage = state == JobState.Failed ? $"{provider}: job {id} failed: the prompt <was> rejected" : null,
        };
    }

    private static void Keep(string file)
    {
        if (Environment.GetEnvironmentVariable("BATCHGEN_KEEP_SHEET") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
        }
    }
}
