using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

/// <summary>A small fixed ledger: two providers, two styles, two seeds, every kind of outcome, a hostile prompt.</summary>
internal static class ReportFixtures
{
    public const string HostilePrompt = "<script>alert(1)</script> \"quoted\", comma\nnew line 🎬 \u2028end";

    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<string> Axes { get; } = ["style", "seed"];

    public static IReadOnlySet<string> ChargeFailed { get; } = new HashSet<string>(StringComparer.Ordinal) { ProviderNames.Segmind };

    public static ReportInput Input(IReadOnlyList<LedgerJob>? jobs = null, string? outputRoot = null) =>
        new("demo sweep", Axes, jobs ?? Jobs(), T0.AddHours(1))
        {
            ChargeFailedProviders = ChargeFailed,
            OutputRoot = outputRoot,
        };

    public static IReadOnlyList<LedgerJob> Jobs() =>
    [
        Job("a1b2c3d4e5f60001", ProviderNames.Magnific, "anime", 1, "720p", 5, JobState.Succeeded, 0.45m, null, 50),
        Job("a1b2c3d4e5f60002", ProviderNames.Segmind, "anime", 1, "720p", 5, JobState.Succeeded, 0.60m, 0.55m, 70),
        Job("a1b2c3d4e5f60003", ProviderNames.Magnific, "clay", 2, "1080p", 8, JobState.Failed, 0.90m, null, null) with
        {
            ErrorClass = ErrorClass.Permanent,
            ErrorCode = "moderation",
            ErrorMessage = "magnific: job a1b2c3d4e5f60003 failed: the prompt was rejected by moderation",
        },
        Job("a1b2c3d4e5f60004", ProviderNames.Segmind, "clay", 2, "540p", 5, JobState.Succeeded, 0.375m, null, 61.9, HostilePrompt),
        Job("a1b2c3d4e5f60005", ProviderNames.Magnific, "anime", 2, "720p", 10, JobState.Pending, 0.99m, null, null),
        Job("a1b2c3d4e5f60006", ProviderNames.Segmind, "clay", 1, "720p", 5, JobState.Running, 0.60m, null, null),
        Job("a1b2c3d4e5f60007", ProviderNames.Segmind, "anime", 2, "720p", 5, JobState.Failed, 0.60m, null, null) with
        {
            ErrorClass = ErrorClass.Permanent,
            ErrorCode = "generation_failed",
            ErrorMessage = "segmind: job a1b2c3d4e5f60007 failed: generation failed",
        },
    ];

    public static LedgerJob Job(
        string id,
        string provider,
        string style,
        long seed,
        string resolution,
        int duration,
        JobState state,
        decimal? estimate,
        decimal? actual,
        double? latencySeconds,
        string prompt = "a red fox runs through snow, cinematic")
    {
        var submitted = state is JobState.Pending ? (DateTimeOffset?)null : T0.AddSeconds(seed * 10);
        var succeeded = state == JobState.Succeeded;
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
                    Duration = duration,
                    Resolution = resolution,
                    AspectRatio = "16:9",
                    Style = style,
                    Seed = seed,
                },
                Axes = [new("style", style), new("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                OutputPath = $"videos/{style}/{id}.mp4",
            },
            State = state,
            Attempts = submitted is null ? 0 : 1,
            RemoteId = submitted is null ? null : "task-" + id[^4..],
            SubmittedAt = submitted,
            StartedAt = submitted?.AddSeconds(5),
            CompletedAt = latencySeconds is { } l ? submitted?.AddTicks((long)Math.Round(l * TimeSpan.TicksPerSecond)) : null,
            FilePath = succeeded ? $"videos/{style}/{id}.mp4" : null,
            Bytes = succeeded ? 2048 : null,
            Sha256 = succeeded ? new string('a', 64) : null,
            EstimatedCostUsd = estimate,
            ActualCostUsd = actual,
            UpdatedAt = T0.AddMinutes(30),
        };
    }
}
