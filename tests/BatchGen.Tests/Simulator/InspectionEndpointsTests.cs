using System.Text.Json.Nodes;

namespace BatchGen.Tests.Simulator;

public sealed class InspectionEndpointsTests
{
    [Fact]
    public async Task Requests_RedactsKeysAndKeepsBodyAndIdempotencyKey()
    {
        await using var sim = await SimTestHost.StartAsync();
        var e = DocExamples.GmiCurlSubmit;
        await sim.SendAsync(HttpMethod.Post, "/gmicloud" + e.Path, e.Body, [.. e.Headers, ("Idempotency-Key", "abc123")]);
        await sim.PostAsync("/pixwith/api/task/get_credits", "{}", ("Api-Key", "key_secret_value"));
        await sim.GetAsync("/segmind/v1/get-user-credits", ("x-api-key", "SG_secret"));
        var text = await sim.Client.GetStringAsync("_sim/requests");
        var log = JsonNode.Parse(text)!["requests"]!.AsArray();

        text.ShouldNotContain("YOUR_API_KEY");
        text.ShouldNotContain("key_secret_value");
        text.ShouldNotContain("SG_secret");
        log.Count.ShouldBe(3);
        var first = log[0]!;
        first["provider"]!.GetValue<string>().ShouldBe("gmicloud");
        first["method"]!.GetValue<string>().ShouldBe("POST");
        first["headers"]!["Authorization"]!.GetValue<string>().ShouldBe("[redacted]");
        first["headers"]!["Idempotency-Key"]!.GetValue<string>().ShouldBe("abc123");
        first["body"]!.GetValue<string>().ShouldContain("pixverse-v5.5-i2v");
        first["status"]!.GetValue<int>().ShouldBe(200);
    }

    [Fact]
    public async Task Stats_CountsSubmitsPollsAndIdempotencyKeys()
    {
        await using var sim = await SimTestHost.StartAsync();
        var e = DocExamples.AimlPythonSubmit;
        await sim.SendAsync(HttpMethod.Post, "/aimlapi" + e.Path, e.Body, [.. e.Headers, ("Idempotency-Key", "job-a")]);
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/aimlapi" + e.Path, e.Body, [.. e.Headers, ("Idempotency-Key", "job-a")]);
        await sim.SendAsync(HttpMethod.Post, "/aimlapi" + e.Path, e.Body, e.Headers);
        await sim.GetAsync($"/aimlapi/v2/video/generations?generation_id={created!["id"]}", e.Headers);
        var stats = JsonNode.Parse(await sim.Client.GetStringAsync("_sim/stats"))!;

        var aiml = stats["providers"]!["aimlapi"]!;
        aiml["submits"]!.GetValue<long>().ShouldBe(3);
        aiml["polls"]!.GetValue<long>().ShouldBe(1);
        aiml["downloads"]!.GetValue<long>().ShouldBe(0);
        aiml["rate_limited"]!.GetValue<long>().ShouldBe(0);
        stats["providers"]!.AsObject().Count.ShouldBe(5);
        stats["idempotency_keys"]!["job-a"]!.GetValue<int>().ShouldBe(2);
        stats["submits_without_key"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Reset_ForgetsTasksCountersAndLog()
    {
        await using var sim = await SimTestHost.StartAsync();
        var e = DocExamples.MagnificCurlSubmit;
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/magnific" + e.Path, e.Body, e.Headers);
        using var reset = await sim.Client.PostAsync("_sim/reset", null);
        var (status, _, _) = await sim.GetAsync($"/magnific{e.Path}/{created!["data"]!["task_id"]}", e.Headers);
        var stats = sim.Host.GetStats();

        reset.IsSuccessStatusCode.ShouldBeTrue();
        status.ShouldBe(404);
        stats.Providers["magnific"].Submits.ShouldBe(0);
        stats.SubmitsWithoutKey.ShouldBe(0);
        JsonNode.Parse(await sim.Client.GetStringAsync("_sim/requests"))!["requests"]!.AsArray().Count.ShouldBe(1);
    }
}
