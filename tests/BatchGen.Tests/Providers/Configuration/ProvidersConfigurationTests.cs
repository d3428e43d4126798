using BatchGen.Core.Costs;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Configuration;
using BatchGen.Tests.Manifests;

namespace BatchGen.Tests.Providers.Configuration;

public sealed class ProvidersConfigurationTests : IDisposable
{
    private const string Manifest = """
        version: 1
        defaults: {provider: aimlapi, image_url: "https://x.test/a.png", prompt: p}
        matrix:
          seed: [1]
        """;

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void ApplyFile_AllFields_Applied()
    {
        var path = _h.Write("providers.yaml", """
            providers:
              aimlapi:
                base_url: http://127.0.0.1:5055
                api_key_env: MY_AIML_KEY
                concurrency: 3
                rate_limit: 2/s
                charge_failed_jobs: true
                model: pixverse/v5.5/image-to-video
                nominal_latency_seconds: 40
                poll_interval_seconds: 10
                max_poll_interval_seconds: 20
                request_timeout_seconds: 12.5
                job_deadline_seconds: 900
                max_cost: 25
                pricing:
                  unit: usd
                  base: {720p: {5: 0.6, 8: 1.2}}
                  audio_add_on: 0.1
              segmind:
                mode: sync
              magnific:
                webhook_url: https://hooks.example.com/magnific
            """);
        var settings = ProviderCatalog.CreateDefaults();

        ProvidersConfiguration.ApplyFile(path, settings).ShouldBeEmpty();

        var a = settings["aimlapi"];
        a.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5055"));
        a.ApiKeyEnv.ShouldBe("MY_AIML_KEY");
        a.Concurrency.ShouldBe(3);
        a.RateLimit.ShouldBe(new RateLimitSpec(2, TimeSpan.FromSeconds(1)));
        a.ChargeFailedJobs.ShouldBeTrue();
        a.Model.ShouldBe("pixverse/v5.5/image-to-video");
        a.NominalLatency.ShouldBe(TimeSpan.FromSeconds(40));
        a.PollInterval.ShouldBe(TimeSpan.FromSeconds(10));
        a.MaxPollInterval.ShouldBe(TimeSpan.FromSeconds(20));
        a.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(12.5));
        a.JobDeadline.ShouldBe(TimeSpan.FromMinutes(15));
        a.MaxCost.ShouldBe(25m);
        a.Pricing.Unit.ShouldBe(PriceUnits.Usd);
        a.Pricing.Base.Keys.ShouldBe(["720p"]);
        a.Pricing.Base["720p"][8].ShouldBe(1.2m);
        a.Pricing.AudioAddOn.ShouldBe(0.1m);
        settings["segmind"].Mode.ShouldBe(ProviderModes.Sync);
        settings["magnific"].WebhookUrl.ShouldBe(new Uri("https://hooks.example.com/magnific"));
        settings["gmicloud"].Concurrency.ShouldBe(ProviderCatalog.CreateDefaults()["gmicloud"].Concurrency);
    }

    [Theory]
    [InlineData("aimlapi:\n  concurency: 2", "p.yaml:2:3: providers.aimlapi.concurency: unknown provider setting 'concurency'; did you mean 'concurrency'?")]
    [InlineData("aimlapi:\n  rate_limit: fast", "p.yaml:2:15: providers.aimlapi.rate_limit: 'fast' is not a rate: write requests per period, e.g. 60/min, 2/s or 1000/h")]
    [InlineData("aimlapi:\n  concurrency: 0", "p.yaml:2:16: providers.aimlapi.concurrency: 0 is out of range 1..1000")]
    [InlineData("aimlapi:\n  base_url: api.aimlapi.com", "p.yaml:2:13: providers.aimlapi.base_url: 'api.aimlapi.com' is not an absolute http or https URL")]
    [InlineData("aimlapi:\n  api_key_env: sk-123", "p.yaml:2:16: providers.aimlapi.api_key_env: 'sk-123' is not an environment variable name")]
    [InlineData("aimlapi:\n  mode: sync", "p.yaml:2:9: providers.aimlapi.mode: mode applies to segmind only")]
    [InlineData("gmicloud:\n  webhook_url: https://x.test/h", "p.yaml:2:16: providers.gmicloud.webhook_url: webhook_url applies to magnific only")]
    [InlineData("aimlapi:\n  pricing: {base: {4k: {5: 1}}}", "p.yaml:2:20: providers.aimlapi.pricing.base: '4k' is not a resolution")]
    [InlineData("aimlapi:\n  poll_interval_seconds: 60", "p.yaml:2:3: providers.aimlapi: poll_interval_seconds (60) is above max_poll_interval_seconds (30)")]
    [InlineData("aimlapy:\n  concurrency: 2", "p.yaml:1:1: providers: unknown provider 'aimlapy'; did you mean 'aimlapi'?")]
    public void ApplyFile_BadValue_OneLineErrorWithLocation(string body, string expected)
    {
        var path = _h.Write("p.yaml", body);

        var errors = ProvidersConfiguration.ApplyFile(path, ProviderCatalog.CreateDefaults());

        errors.Select(e => _h.Relative(e.ToString())).ShouldContain(e => e.StartsWith(expected, StringComparison.Ordinal), string.Join("\n", errors));
    }

    [Fact]
    public void ApplyFile_Missing_OneLineError()
    {
        ProvidersConfiguration.ApplyFile(Path.Combine(_h.Directory, "none.yaml"), ProviderCatalog.CreateDefaults())
            .ShouldHaveSingleItem().Message.ShouldBe("file not found");
    }

    [Fact]
    public void Load_ManifestSectionOverridesProvidersFile()
    {
        var file = _h.Write("providers.yaml", "aimlapi:\n  concurrency: 3\n  rate_limit: 10/min\n");
        var result = _h.Load(Manifest + "\nproviders:\n  aimlapi:\n    concurrency: 5\n", providersFile: file);

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Manifest!.Providers["aimlapi"].Concurrency.ShouldBe(5);
        result.Manifest.Providers["aimlapi"].RateLimit.ToString().ShouldBe("10/min");
        result.Manifest.Providers.Count.ShouldBe(5);
    }

    [Fact]
    public void Load_UnpricedCombination_WarningNotError()
    {
        var result = _h.Load(Manifest + "\nproviders:\n  aimlapi:\n    pricing: {base: {540p: {5: 1}}}\n");

        result.Success.ShouldBeTrue();
        result.Warnings.ShouldContain(w => w.Message.StartsWith("no price for provider=aimlapi, resolution=720p, duration=5", StringComparison.Ordinal));
    }
}
