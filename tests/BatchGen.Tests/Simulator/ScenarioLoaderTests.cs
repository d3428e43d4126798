using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

public sealed class ScenarioLoaderTests
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public async Task LoadFileAsync_SampleFlakyScenario_MergesSharedSettings()
    {
        var scenario = await ScenarioLoader.LoadFileAsync(RepoFile("manifests/scenarios/flaky.yaml"), CancellationToken.None);

        scenario.Seed.ShouldBe(42);
        scenario.TimeScale.ShouldBe(0.01);
        scenario.For("magnific").RateLimit!.Permits.ShouldBe(50);
        scenario.For("magnific").Faults.Http503.ShouldBe(0.02);
        scenario.For("pixwith").Latency.QueueMaxSeconds.ShouldBe(60);
        scenario.For("pixwith").Latency.GenerationPerVideoSecond.ShouldBe(8);
        scenario.For("aimlapi").StatusSpelling.ShouldBe(StatusSpellings.Sample);
        scenario.For("segmind").ApiKeys.ShouldBe(["SG_0123456789abcdef"]);
    }

    [Fact]
    public void Parse_EmptyFile_GivesDefaults()
    {
        var scenario = ScenarioLoader.Parse(string.Empty, "empty.yaml");
        scenario.For("magnific").Faults.Http500.ShouldBe(0);
        scenario.For("magnific").RateLimit.ShouldBeNull();
    }

    [Theory]
    [InlineData("providers:\n  magnific:\n    faults:\n      http_503: 2\n", "bad.yaml:4:17: providers.magnific.faults.http_503: must be a probability between 0 and 1, got 2")]
    [InlineData("providers:\n  magnific:\n    rate_limt: {}\n", "bad.yaml:3:5: unknown key 'rate_limt'")]
    [InlineData("providers:\n  runway: {}\n", "bad.yaml:2:3: providers.runway: unknown provider 'runway'")]
    [InlineData("providers:\n  segmind:\n    latency:\n      queue_min_seconds: 5\n      queue_max_seconds: 1\n", "bad.yaml:5:26: providers.segmind.latency.queue_max_seconds: must be at least queue_min_seconds (5), got 1")]
    [InlineData("time_scale: fast\n", "bad.yaml:1:13:")]
    [InlineData("providers:\n  aimlapi:\n    video_content: tiny\n", "bad.yaml:3:20: providers.aimlapi.video_content: must be 'labelled' or 'flat', got 'tiny'")]
    public void Parse_BadScenario_ThrowsOneLineWithFileLineAndColumn(string yaml, string expectedStart)
    {
        var ex = Should.Throw<SimulatorConfigException>(() => ScenarioLoader.Parse(yaml, "bad.yaml"));
        ex.Message.ShouldStartWith(expectedStart);
        ex.Message.ShouldNotContain("\n");
    }

    [Fact]
    public async Task StartAsync_BadScenarioFile_ThrowsConfigException()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("s.yaml", "providers:\n  magnific:\n    video_kbps: 0\n");
        var ex = await Should.ThrowAsync<SimulatorConfigException>(() => SimulatorHost.StartAsync(new SimulatorOptions { ScenarioFile = path }, CancellationToken.None));
        ex.Message.ShouldContain("s.yaml:3:17: providers.magnific.video_kbps");
    }

    [Fact]
    public async Task StartAsync_OptionsSeedAndTimeScale_WinOverTheScenario()
    {
        await using var host = await SimulatorHost.StartAsync(
            new SimulatorOptions { Scenario = new SimulatorScenario { Seed = 3, TimeScale = 0.5 }, Seed = 9 },
            CancellationToken.None);
        host.Seed.ShouldBe(9);
        host.TimeScale.ShouldBe(0.5);
        host.ProviderBaseUrl("segmind").ToString().ShouldBe(host.BaseAddress + "segmind");
    }
}
