using System.Net;
using System.Net.Http.Headers;
using BatchGen.Core.Media;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

public sealed class DownloadEndpointTests
{
    private static async Task<(SimTestHost Sim, string Url)> CompletedMagnificTaskAsync(Action<SimulatorScenario>? configure = null, string resolution = "540p", string aspect = "social_story_9_16", int duration = 8)
    {
        var sim = await SimTestHost.StartAsync(configure);
        var (_, created, _) = await sim.PostAsync(
            "/magnific/v1/ai/image-to-video/pixverse-v5-5",
            new { prompt = "p", image_url = "https://example.com/a.png", resolution, aspect_ratio = aspect, duration },
            ("x-magnific-api-key", "k"));
        var id = created!["data"]!["task_id"]!.GetValue<string>();
        sim.FinishAll();
        var (_, done, _) = await sim.GetAsync($"/magnific/v1/ai/image-to-video/pixverse-v5-5/{id}", ("x-magnific-api-key", "k"));
        return (sim, done!["data"]!["generated"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_CompletedTask_IsMp4OfRequestedDurationAndFrameSize()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        var info = await ProviderCalls.DownloadAndProbeAsync(sim, url);
        info.Duration.ShouldBe(TimeSpan.FromSeconds(8));
        (info.Width, info.Height).ShouldBe(FrameSize.For("540p", "9:16"));
        sim.Host.GetStats().Providers["magnific"].Downloads.ShouldBe(1);
    }

    [Fact]
    public async Task Get_DefaultBitrate_IsAboutOneAndAHalfMegabytesPerFiveSecondsAt720p()
    {
        var (sim, url) = await CompletedMagnificTaskAsync(resolution: "720p", aspect: "widescreen_16_9", duration: 5);
        await using var _ = sim;
        var info = await ProviderCalls.DownloadAndProbeAsync(sim, url);
        info.Length.ShouldBeInRange(1_000_000, 2_000_000);
    }

    [Fact]
    public async Task Head_AnswersLengthAndRangesWithoutBody()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        using var response = await sim.Client.SendAsync(request);
        var full = await sim.Client.GetByteArrayAsync(new Uri(url));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.ShouldBe(full.Length);
        response.Headers.AcceptRanges.ShouldContain("bytes");
        sim.Host.GetStats().Providers["magnific"].Downloads.ShouldBe(1);
    }

    [Fact]
    public async Task Get_Range_Returns206WithTheSameBytesAsTheFullFile()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        var full = await sim.Client.GetByteArrayAsync(new Uri(url));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(1000, 300_000);
        using var response = await sim.Client.SendAsync(request);
        var part = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 1000-300000/{full.Length}");
        response.Content.Headers.ContentLength.ShouldBe(299_001);
        part.ShouldBe(full.AsSpan(1000, 299_001).ToArray());
    }

    [Fact]
    public async Task Get_SuffixRange_ReturnsTheTail()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        var full = await sim.Client.GetByteArrayAsync(new Uri(url));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(null, 100);
        using var response = await sim.Client.SendAsync(request);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(full[^100..]);
    }

    [Fact]
    public async Task Get_RangePastTheEnd_Returns416()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(100_000_000, null);
        using var response = await sim.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        response.Content.Headers.ContentRange!.ToString().ShouldStartWith("bytes */");
    }

    [Fact]
    public async Task Get_AfterUrlLifetime_Returns403()
    {
        var (sim, url) = await CompletedMagnificTaskAsync(s => s.Providers["magnific"].ResultUrlTtlSeconds = 600);
        await using var _ = sim;
        using var before = await sim.Client.GetAsync(url);
        sim.Clock.Advance(TimeSpan.FromSeconds(601));
        using var after = await sim.Client.GetAsync(url);
        before.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        sim.Host.GetStats().Providers["magnific"].ExpiredUrls.ShouldBe(1);
    }

    [Fact]
    public async Task Get_ExpiredUrlFault_Returns403Immediately()
    {
        var (sim, url) = await CompletedMagnificTaskAsync(s => s.Providers["magnific"].Faults.ExpiredUrl = 1);
        await using var _ = sim;
        using var response = await sim.Client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Get_TamperedToken_Returns403()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        var dot = url.LastIndexOf('.', url.Length - 5);
        var tampered = url[..(dot + 1)] + (url[dot + 1] == 'A' ? 'B' : 'A') + url[(dot + 2)..];
        using var response = await sim.Client.GetAsync(tampered);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Get_TruncatedDownloadFault_DeliversLessThanContentLength()
    {
        var (sim, url) = await CompletedMagnificTaskAsync(s => s.Providers["magnific"].Faults.TruncatedDownload = 1);
        await using var _ = sim;
        await Should.ThrowAsync<HttpRequestException>(() => sim.Client.GetByteArrayAsync(new Uri(url)));
        sim.Host.GetStats().Providers["magnific"].TruncatedDownloads.ShouldBe(1);
    }

    [Fact]
    public async Task Get_SameTaskTwice_GivesIdenticalBytes()
    {
        var (sim, url) = await CompletedMagnificTaskAsync();
        await using var _ = sim;
        var a = await sim.Client.GetByteArrayAsync(new Uri(url));
        var b = await sim.Client.GetByteArrayAsync(new Uri(url));
        a.ShouldBe(b);
    }

    [Fact]
    public async Task Segmind_ResultsAfterRetention_Return404()
    {
        await using var sim = await SimTestHost.StartAsync();
        var e = DocExamples.SegmindAsyncSubmit;
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, "/segmind" + e.Path, e.Body, e.Headers);
        var id = created!["request_id"]!.GetValue<string>();
        sim.FinishAll();
        var (status, done, _) = await sim.GetAsync($"/segmind/v2/requests/{id}/status", ("x-api-key", "k-ignored"));
        var key = ("x-api-key", "YOUR_API_KEY");
        var (okStatus, ok, _) = await sim.GetAsync($"/segmind/v2/requests/{id}/status", key);
        sim.Clock.Advance(TimeSpan.FromHours(1));
        var (gone, error, _) = await sim.GetAsync($"/segmind/v2/requests/{id}", key);

        status.ShouldBe(404);
        okStatus.ShouldBe(200);
        ok!["status"]!.GetValue<string>().ShouldBe("COMPLETED");
        ok["metrics"]!["inference_time"].ShouldNotBeNull();
        gone.ShouldBe(404);
        error!["error"]!.GetValue<string>().ShouldContain("expired");
    }
}
