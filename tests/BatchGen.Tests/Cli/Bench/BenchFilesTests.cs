using BatchGen.Cli.Bench;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;

namespace BatchGen.Tests.Cli.Bench;

public sealed class BenchFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteManifest_FiveProviders_ValidForEveryProviderWithTheScenariosCounts()
    {
        var scenario = BenchSuite.FiveProviders(500);
        var providers = BenchFiles.WriteProviders(_dir.Path, scenario, new Uri("http://127.0.0.1:5999/"), BenchSuite.DefaultTimeScale);

        var result = ManifestLoader.Load(BenchFiles.WriteManifest(_dir.Path, scenario), new ManifestLoadOptions { ProvidersFile = providers });

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        var jobs = result.Manifest!.Jobs().ToList();
        jobs.GroupBy(j => j.Provider).ToDictionary(g => g.Key, g => g.Count()).ShouldBe(scenario.Providers.ToDictionary(p => p.Name, p => p.Jobs));
        jobs.Select(j => j.Id).Distinct().Count().ShouldBe(500);
    }

    [Fact]
    public void WriteProviders_PlanSeesTheBenchsLimits_EstimateIsTheBoundOverTheExpectedEfficiency()
    {
        var scenario = BenchSuite.OneProvider(1000);
        var providers = BenchFiles.WriteProviders(_dir.Path, scenario, new Uri("http://127.0.0.1:5999/"), BenchSuite.DefaultTimeScale);
        var manifest = ManifestLoader.Load(BenchFiles.WriteManifest(_dir.Path, scenario), new ManifestLoadOptions { ProvidersFile = providers }).Manifest!;

        var plan = PlanCalculator.Compute(manifest);

        // 20 requests/s, burst 20, 120 in flight, 6 s: (2 x 1000 - 20) / 20 = 99 s at best.
        var bound = ThroughputBound.Seconds(1000, scenario.Providers[0].Limits(BenchSuite.DefaultTimeScale));
        bound.ShouldBe(99, tolerance: 1e-9);
        plan.EstimatedWallTime.TotalSeconds.ShouldBe(bound / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
        manifest.Providers["aimlapi"].BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5999/aimlapi"));
    }

    [Fact]
    public void WithJobs_SharesTheNewCountInTheSameProportions()
    {
        var scaled = BenchSuite.FiveProviders(2000).WithJobs(10);

        scaled.Jobs.ShouldBe(10);
        scaled.Name.ShouldBe("five-providers-10");
        scaled.Providers.ShouldAllBe(p => p.Jobs == 2);
    }
}
