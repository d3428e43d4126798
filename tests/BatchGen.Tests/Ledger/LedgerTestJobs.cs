using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Jobs;

namespace BatchGen.Tests.Ledger;

/// <summary>Job specs for ledger tests, with every optional field set on request.</summary>
internal static class LedgerTestJobs
{
    public static JobSpec Create(int index, string provider = ProviderNames.Magnific, bool full = false) => new()
    {
        Id = index.ToString("x16", CultureInfo.InvariantCulture),
        Provider = provider,
        Replicate = index % 3,
        Axes = [new("prompt", $"p{index}"), new("style", "anime")],
        OutputPath = $"videos/{provider}/job-{index}.mp4",
        Parameters = new JobParameters
        {
            Prompt = $"a cat number {index}, ünïcödé",
            ImageUrl = "https://example.com/cat.png",
            Duration = 5,
            Resolution = "720p",
            AspectRatio = "16:9",
            Style = full ? "anime" : null,
            Seed = full ? 42 : null,
            NegativePrompt = full ? "blurry" : null,
            CameraMovement = full ? "zoom_in" : null,
            Audio = full ? true : null,
            MultiClip = full ? false : null,
            Thinking = full ? "auto" : null,
            MotionMode = full ? "fast" : null,
            NumOutputs = full ? 2 : null,
            PromptOptimization = full ? true : null,
            SoundEffectContent = full ? "purr" : null,
            LipSyncTtsContent = full ? "hello" : null,
            LipSyncTtsSpeakerId = full ? "voice-1" : null,
            Extra = full
                ? new SortedDictionary<string, JsonElement>(StringComparer.Ordinal) { ["quality"] = JsonSerializer.SerializeToElement(new { level = 3 }) }
                : null,
        },
    };

    public static IEnumerable<JobSpec> Range(int start, int count, string provider = ProviderNames.Magnific) =>
        Enumerable.Range(start, count).Select(i => Create(i, provider));
}
