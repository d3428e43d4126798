using BatchGen.Core.Jobs;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Run;

/// <summary>Segmind's actual costs from <c>x-remaining-credits</c> deltas, end to end against the simulator.</summary>
public sealed class CreditAttributionTests
{
    // The simulator charges Segmind's built-in USD table at task creation.
    private static readonly Dictionary<(string Resolution, int Duration), decimal> SegmindPrices = new()
    {
        [("540p", 5)] = 0.375m,
        [("540p", 8)] = 0.75m,
        [("720p", 5)] = 0.50m,
        [("720p", 8)] = 1.00m,
    };

    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    public async Task Run_SegmindConcurrentSubmits_EveryJobGetsItsChargeAsActualCostBesideTheEstimate(string mode)
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "11");
        var manifest = dir.Write("credits.yaml", """
            version: 1
            name: credits
            defaults:
              prompt: "a cat surfing a wave, take {take}"
              image_url: https://example.com/cat.png
            matrix:
              provider: [segmind]
              resolution: [540p, 720p]
              duration: [5, 8]
              take: [1, 2]
            """);
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 4);
        var text = (await File.ReadAllTextAsync(providers)).Replace("  segmind:\n", $"  segmind:\n    mode: {mode}\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(providers, text);

        var result = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);

        result.ExitCode.ShouldBe(0, result.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        jobs.Count.ShouldBe(8);
        foreach (var job in jobs)
        {
            var price = SegmindPrices[(job.Spec.Parameters.Resolution, job.Spec.Parameters.Duration)];
            job.Provider.ShouldBe(ProviderNames.Segmind);
            job.EstimatedCostUsd.ShouldBe(price);
            // The balance read before the first submit is the baseline, so even the first charge is known.
            job.ActualCostUsd.ShouldBe(price, $"{job.Id} {job.Spec.Parameters.Resolution} {job.Spec.Parameters.Duration} s");
        }

        (await sim.IdempotencyCountsAsync()).Values.ShouldAllBe(n => n == 1);
    }
}
