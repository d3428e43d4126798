using BatchGen.Core.Manifests.Planning;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Manifests;

public sealed class PlanCalculatorTests : IDisposable
{
    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Compute_Grid_CountsCostsAndAxisValues()
    {
        var manifest = _h.Load("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p}
            matrix:
              provider: [magnific, segmind]
              resolution: [540p, 720p]
              seed: [1, 2, 3]
            budget: {max_cost: 10}
            """).Manifest!;

        var plan = PlanCalculator.Compute(manifest, sampleSize: 4);

        plan.Jobs.ShouldBe(12);
        plan.MaxCost.ShouldBe(10m);
        plan.Sample.Count.ShouldBe(4);
        plan.Providers.Select(p => (p.Name, p.Jobs)).ShouldBe([("magnific", 6L), ("segmind", 6L)]);
        // magnific: 3 x 45 + 3 x 60 credits at $0.01; segmind: 3 x 0.375 + 3 x 0.50.
        plan.Providers[0].EstimatedCostUsd.ShouldBe(3.15m);
        plan.Providers[1].EstimatedCostUsd.ShouldBe(2.625m);
        plan.EstimatedCostUsd.ShouldBe(5.775m);
        plan.UnknownCostJobs.ShouldBe(0);
        plan.AxisCounts.Select(a => a.Key).ShouldBe(["provider", "resolution", "seed"]);
        plan.AxisCounts[2].Value.ShouldBe([new("1", 4L), new("2", 4L), new("3", 4L)]);
        plan.EstimatedWallTime.ShouldBe(plan.Providers.Max(p => p.EstimatedWallTime));
    }

    [Fact]
    public void Throughput_RateLimitBound_UsesRequestsPerJob()
    {
        var settings = ProviderCatalog.CreateDefaults()["magnific"];
        settings.Concurrency = 100;
        settings.RateLimit = new RateLimitSpec(60, TimeSpan.FromMinutes(1));
        settings.NominalLatency = TimeSpan.FromSeconds(60);
        settings.PollInterval = TimeSpan.FromSeconds(10);

        // A submit and one finishing poll per job at 1 request/s: half a job per second (concurrency would allow 100/60).
        PlanCalculator.Throughput(settings).ShouldBe(1.0 / 2, tolerance: 1e-9);
    }

    [Fact]
    public void Throughput_ConcurrencyBound_UsesLatency()
    {
        var settings = ProviderCatalog.CreateDefaults()["segmind"];
        settings.Concurrency = 2;
        settings.RateLimit = new RateLimitSpec(1000, TimeSpan.FromSeconds(1));
        settings.NominalLatency = TimeSpan.FromSeconds(40);

        PlanCalculator.Throughput(settings).ShouldBe(2.0 / 40, tolerance: 1e-9);
    }

    [Fact]
    public void EstimateWallTime_RateBound_IsTheBoundOverTheExpectedEfficiency()
    {
        var settings = ProviderCatalog.CreateDefaults()["aimlapi"];
        settings.Concurrency = 120;
        settings.RateLimit = new RateLimitSpec(20, TimeSpan.FromSeconds(1));
        settings.NominalLatency = TimeSpan.FromSeconds(6);

        // (2 x 1000 - 20) / 20 = 99 s at best; the run is expected to reach 0.9 of it.
        PlanCalculator.EstimateWallTime(1000, settings).TotalSeconds.ShouldBe(99 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
    }

    [Fact]
    public void Compute_TwoProviders_WallTimeIsTheSlowestProvidersEstimate()
    {
        var manifest = _h.Load("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p}
            matrix:
              provider: [magnific, aimlapi]
              seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
            providers:
              magnific: {rate_limit: 1/s, concurrency: 50, nominal_latency_seconds: 5}
              aimlapi: {rate_limit: 10/s, concurrency: 2, nominal_latency_seconds: 30}
            """).Manifest!;

        var plan = PlanCalculator.Compute(manifest);

        // magnific: rate-bound, (2 x 10 - 1) / 1 = 19 s; aimlapi: 2 in flight, ceil(10 / 2) x 30 = 150 s.
        var byName = plan.Providers.ToDictionary(p => p.Name, p => p.EstimatedWallTime.TotalSeconds);
        byName["magnific"].ShouldBe(19 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
        byName["aimlapi"].ShouldBe(150 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
        plan.EstimatedWallTime.TotalSeconds.ShouldBe(150 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
    }

    [Fact]
    public void Compute_MagnificByWebhook_OnlyTheSubmitCountsAgainstTheRate()
    {
        const string Grid = """
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p, provider: magnific}
            matrix:
              seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
            providers:
              magnific: {rate_limit: 1/s, concurrency: 100, nominal_latency_seconds: 5}
            """;
        var polled = PlanCalculator.Compute(_h.Load(Grid).Manifest!);
        var byWebhook = PlanCalculator.Compute(_h.Load(Grid + "\nwebhook: {listen: \"127.0.0.1:8787\"}\n", name: "hooks.yaml").Manifest!);

        // Polled: (2 x 20 - 1) / 1 = 39 s; by webhook: max((20 - 1) / 1, (20 - 1) / 1 + 5) = 24 s.
        polled.EstimatedWallTime.TotalSeconds.ShouldBe(39 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
        byWebhook.EstimatedWallTime.TotalSeconds.ShouldBe(24 / PlanCalculator.ExpectedEfficiency, tolerance: 1e-6);
    }

    [Fact]
    public void Compute_UnpricedJobs_CountedAsUnknown()
    {
        var manifest = _h.Load("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p, provider: gmicloud}
            matrix:
              resolution: [540p, 1080p]
            providers:
              gmicloud:
                pricing: {unit: usd, base: {540p: {5: 0.5}}}
            """).Manifest!;

        var plan = PlanCalculator.Compute(manifest);

        plan.EstimatedCostUsd.ShouldBe(0.5m);
        plan.UnknownCostJobs.ShouldBe(1);
    }

    [Fact]
    public void Compute_SameValueWrittenInSeveralPlaces_MergedAndCostsEqualJobByJobSum()
    {
        var manifest = _h.Load("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: "{subject}", audio: true}
            matrix:
              provider: [magnific, aimlapi]
              resolution: [540p, 720p, "1080p"]
              subject: [cat, dog]
              multi_clip: [true, false]
            include:
              - {provider: magnific, resolution: 720p, subject: cat, style: anime}
              - {provider: aimlapi, resolution: "720p", subject: owl, multi_clip: false}
            """).Manifest!;
        var jobs = manifest.Jobs().ToList();
        var prices = jobs.Select(j => manifest.Providers[j.Provider].Pricing.EstimateUsd(j.Parameters)).ToList();

        var plan = PlanCalculator.Compute(manifest, sampleSize: 3);

        plan.Jobs.ShouldBe(jobs.Count);
        plan.EstimatedCostUsd.ShouldBe(prices.Sum(p => p ?? 0));
        plan.EstimatedCostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(prices.Aggregate(0m, (sum, p) => sum + (p ?? 0)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        plan.UnknownCostJobs.ShouldBe(prices.Count(p => p is null));
        plan.Providers.Single(p => p.Name == "aimlapi").Jobs.ShouldBe(jobs.Count(j => j.Provider == "aimlapi"));
        var resolution = plan.AxisCounts.Single(a => a.Key == "resolution").Value;
        resolution.Select(kv => kv.Key).ShouldBe(["540p", "720p", "1080p"]);
        resolution.Single(kv => kv.Key == "720p").Value.ShouldBe(jobs.Count(j => j.Axes.Contains(new("resolution", "720p"))));
        plan.AxisCounts.Single(a => a.Key == "subject").Value.ShouldBe([new("cat", 12L), new("dog", 12L), new("owl", 1L)]);
        plan.Sample.Select(s => s.Job.Id).ShouldBe(jobs.Take(3).Select(j => j.Id));
    }

    [Fact]
    public void Compute_IdsOnlyForTheSample_SampleHasRealIdsAndTotalsAreTheSame()
    {
        var manifest = _h.Load("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p}
            matrix: {provider: [magnific, segmind], seed: [1, 2, 3, 4]}
            """).Manifest!;
        var ids = manifest.Jobs().Select(j => j.Id).ToList();
        var seen = new List<string>();

        var plan = PlanCalculator.Compute(manifest, sampleSize: 2, (job, _) => seen.Add(job.Id), idsForEveryJob: false);

        plan.Sample.Select(s => s.Job.Id).ShouldBe(ids.Take(2));
        plan.Jobs.ShouldBe(8);
        plan.EstimatedCostUsd.ShouldBe(PlanCalculator.Compute(manifest).EstimatedCostUsd);
        seen.Take(2).ShouldBe(ids.Take(2));
        seen.Skip(3).ShouldAllBe(id => id == "0000000000000000");
    }
}
