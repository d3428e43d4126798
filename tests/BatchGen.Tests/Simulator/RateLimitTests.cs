using System.Globalization;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

public sealed class RateLimitTests
{
    private static void Limit(SimulatorScenario s, string provider, int permits, bool hint = true) =>
        s.Providers[provider].RateLimit = new RateLimitScenario { Permits = permits, PeriodSeconds = 60, RetryAfterHeader = hint };

    [Fact]
    public async Task Magnific_BucketEmpty_Returns429WithRetryAfter()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "magnific", 2));
        var key = ("x-magnific-api-key", "k");
        var path = "/magnific/v1/ai/image-to-video/pixverse-v5-5";
        await sim.GetAsync(path, key);
        await sim.GetAsync(path, key);
        var (status, json, response) = await sim.GetAsync(path, key);

        status.ShouldBe(429);
        json!["message"]!.GetValue<string>().ShouldBe("Too many requests");
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30));
        sim.Host.GetStats().Providers["magnific"].RateLimited.ShouldBe(1);
    }

    [Fact]
    public async Task Bucket_RefillsWithTheClock()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "magnific", 1));
        var key = ("x-magnific-api-key", "k");
        var path = "/magnific/v1/ai/image-to-video/pixverse-v5-5";
        var (first, _, _) = await sim.GetAsync(path, key);
        var (second, _, _) = await sim.GetAsync(path, key);
        sim.Clock.Advance(TimeSpan.FromSeconds(60));
        var (third, _, _) = await sim.GetAsync(path, key);
        (first, second, third).ShouldBe((200, 429, 200));
    }

    [Fact]
    public async Task Bucket_IsPerKey()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "gmicloud", 1));
        var path = "/gmicloud/api/v1/ie/requestqueue/apikey/requests/x";
        var (a, _, _) = await sim.GetAsync(path, ("Authorization", "Bearer a"));
        var (b, _, _) = await sim.GetAsync(path, ("Authorization", "Bearer b"));
        var (a2, json, _) = await sim.GetAsync(path, ("Authorization", "Bearer a"));
        (a, b, a2).ShouldBe((404, 404, 429));
        json!["error"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Segmind_429_CarriesResetAtUtcHeader()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "segmind", 1));
        var key = ("x-api-key", "k");
        var (_, _, ok) = await sim.GetAsync("/segmind/v1/get-user-credits", key);
        var (status, json, response) = await sim.GetAsync("/segmind/v1/get-user-credits", key);

        ok.Headers.GetValues("x-rate-limit-remaining").Single().ShouldBe("0");

        status.ShouldBe(429);
        json!["error"].ShouldNotBeNull();
        var reset = DateTimeOffset.Parse(response.Headers.GetValues("x-rate-limit-reset-at-utc").Single(), CultureInfo.InvariantCulture);
        reset.ShouldBe(sim.Clock.GetUtcNow().AddSeconds(60));
        response.Headers.GetValues("x-rate-limit-remaining").Single().ShouldBe("0");
    }

    [Fact]
    public async Task Pixwith_429_UsesTheEnvelope()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "pixwith", 1, hint: false));
        var key = ("Api-Key", "k");
        await sim.PostAsync("/pixwith/api/task/get_credits", "{}", key);
        var (status, json, response) = await sim.PostAsync("/pixwith/api/task/get_credits", "{}", key);
        status.ShouldBe(429);
        json!["code"]!.GetValue<int>().ShouldBe(0);
        response.Headers.RetryAfter.ShouldBeNull();
    }

    [Fact]
    public async Task Aiml_429_UsesItsErrorBody()
    {
        await using var sim = await SimTestHost.StartAsync(s => Limit(s, "aimlapi", 1));
        var key = ("Authorization", "Bearer k");
        await sim.GetAsync("/aimlapi/v2/video/generations?generation_id=x", key);
        var (status, json, _) = await sim.GetAsync("/aimlapi/v2/video/generations?generation_id=x", key);
        status.ShouldBe(429);
        json!["statusCode"]!.GetValue<int>().ShouldBe(429);
        json["message"]!.GetValue<string>().ShouldBe("Too Many Requests");
    }
}
