using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

/// <summary>Status sequences over the clock and server-error shapes, per provider.</summary>
public sealed class LifecycleTests
{
    private static void FixedLatency(SimulatorScenario s, string provider) =>
        s.Providers[provider].Latency = new LatencyScenario
        {
            QueueMinSeconds = 10,
            QueueMaxSeconds = 10,
            GenerationBaseSeconds = 20,
            GenerationPerVideoSecond = 0,
            Jitter = 0,
            ResolutionFactors = [],
        };

    [Fact]
    public async Task Gmi_StatusesFollowTheClock()
    {
        await using var sim = await SimTestHost.StartAsync(s => FixedLatency(s, "gmicloud"));
        var e = DocExamples.GmiCurlSubmit;
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/gmicloud" + e.Path, e.Body, e.Headers);
        var id = created!["request_id"]!.GetValue<string>();
        var statuses = new List<string> { created["status"]!.GetValue<string>() };
        foreach (var step in new[] { 8, 5, 20 })
        {
            sim.Clock.Advance(TimeSpan.FromSeconds(step));
            var (_, poll, _) = await sim.GetAsync($"/gmicloud{e.Path}/{id}", ("Authorization", "Bearer YOUR_API_KEY"));
            statuses.Add(poll!["status"]!.GetValue<string>());
        }

        statuses.ShouldBe(["queued", "dispatched", "processing", "success"]);
    }

    [Fact]
    public async Task Segmind_StatusesFollowTheClock()
    {
        await using var sim = await SimTestHost.StartAsync(s => FixedLatency(s, "segmind"));
        var e = DocExamples.SegmindAsyncSubmit;
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/segmind" + e.Path, e.Body, e.Headers);
        var id = created!["request_id"]!.GetValue<string>();
        var statuses = new List<string> { created["status"]!.GetValue<string>() };
        foreach (var step in new[] { 15, 20 })
        {
            sim.Clock.Advance(TimeSpan.FromSeconds(step));
            var (_, poll, _) = await sim.GetAsync($"/segmind/v2/requests/{id}/status", ("x-api-key", "YOUR_API_KEY"));
            statuses.Add(poll!["status"]!.GetValue<string>());
        }

        statuses.ShouldBe(["QUEUED", "PROCESSING", "COMPLETED"]);
        created["status_url"]!.GetValue<string>().ShouldBe($"{sim.Host.BaseAddress}segmind/v2/requests/{id}/status");
    }

    [Fact]
    public async Task Magnific_StatusesFollowTheClock()
    {
        await using var sim = await SimTestHost.StartAsync(s => FixedLatency(s, "magnific"));
        var e = DocExamples.MagnificCurlSubmit;
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/magnific" + e.Path, e.Body, e.Headers);
        var id = created!["data"]!["task_id"]!.GetValue<string>();
        sim.Clock.Advance(TimeSpan.FromSeconds(15));
        var (_, running, _) = await sim.GetAsync($"/magnific{e.Path}/{id}", ("x-magnific-api-key", "<api-key>"));

        created["data"]!["status"]!.GetValue<string>().ShouldBe("CREATED");
        running!["data"]!["status"]!.GetValue<string>().ShouldBe("IN_PROGRESS");
        running["data"]!["generated"]!.AsArray().ShouldBeEmpty();
    }

    public static IEnumerable<object[]> Submits() => DocExamples.Submits();

    [Theory]
    [MemberData(nameof(Submits))]
    public async Task Http503Fault_IsAnsweredInEachProviderShape(DocExample e)
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers[e.Provider].Faults = new FaultScenario { Http503 = 1 });
        var (status, json, _) = await sim.SendAsync(HttpMethod.Post, "/" + e.Provider + e.Path, e.Body, e.Headers);

        status.ShouldBe(503);
        var field = e.Provider switch
        {
            "gmicloud" or "segmind" => "error",
            _ => "message",
        };
        json![field].ShouldNotBeNull();
        if (e.Provider == "pixwith")
        {
            json["code"]!.GetValue<int>().ShouldBe(0);
        }

        if (e.Provider == "aimlapi")
        {
            json["statusCode"]!.GetValue<int>().ShouldBe(503);
        }
    }
}
