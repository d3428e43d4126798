using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Reviews;

/// <summary>Succeeded jobs of a small style x seed x provider grid, as a ledger would hold them.</summary>
internal static class ReviewTestJobs
{
    public static readonly IReadOnlyList<string> Dimensions = ["style", "seed", "provider"];

    public static LedgerJob Job(string style, int seed, string provider = ProviderNames.Magnific, JobState state = JobState.Succeeded)
    {
        var id = $"{style}-{seed}-{provider}";
        return new LedgerJob
        {
            Spec = new JobSpec
            {
                Id = id,
                Provider = provider,
                Axes = [new("style", style), new("seed", seed.ToString(CultureInfo.InvariantCulture))],
                OutputPath = $"{id}.mp4",
                Parameters = new JobParameters { Prompt = "a cat", ImageUrl = "https://example.com/cat.png", Duration = 5, Resolution = "540p", AspectRatio = "16:9", Style = style, Seed = seed },
            },
            State = state,
            FilePath = state == JobState.Succeeded ? $"{id}.mp4" : null,
        };
    }

    public static List<LedgerJob> Grid(IEnumerable<string> styles, IEnumerable<int> seeds, IEnumerable<string>? providers = null) =>
        (from style in styles
         from seed in seeds
         from provider in providers ?? [ProviderNames.Magnific]
         select Job(style, seed, provider)).ToList();
}
