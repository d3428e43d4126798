using System.Text.Json.Nodes;
using BatchGen.Core.Media;

namespace BatchGen.Tests.Simulator;

public sealed class DocExamplesTests
{
    public static IEnumerable<object[]> Submits() => DocExamples.Submits();

    [Theory]
    [MemberData(nameof(Submits))]
    public async Task Submit_DocumentedExample_IsAcceptedAndCompletesWithValidMp4(DocExample example)
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.SendAsync(new HttpMethod(example.Method), "/" + example.Provider + example.Path, example.Body, example.Headers);

        status.ShouldBe(200);
        if (example.Provider == "pixwith")
        {
            json!["code"]!.GetValue<int>().ShouldBe(1);
        }

        var id = ProviderCalls.IdOf(example.Provider, json!);
        sim.FinishAll();
        var key = example.Headers.First(h => h.Name is "x-magnific-api-key" or "Authorization" or "Api-Key" or "x-api-key");
        var (pollStatus, poll, _) = await ProviderCalls.PollAsync(sim, example.Provider, id, key);

        pollStatus.ShouldBe(200);
        ProviderCalls.StatusOf(example.Provider, poll!).ShouldBeOneOf("COMPLETED", "success", "completed", "2");
        var info = await ProviderCalls.DownloadAndProbeAsync(sim, ProviderCalls.ResultUrl(example.Provider, poll!)!);
        info.Duration.ShouldBe(TimeSpan.FromSeconds(5));
        var expected = example.Provider switch
        {
            "gmicloud" => FrameSize.For("1080p", "16:9"),
            "segmind" => FrameSize.For("540p", "16:9"),
            _ => FrameSize.For("720p", "16:9"),
        };
        (info.Width, info.Height).ShouldBe(expected);
    }

    [Fact]
    public async Task SegmindSync_DocumentedExample_ReturnsRawVideoWithHeaders()
    {
        await using var sim = await SimTestHost.StartAsync(manualClock: false);
        var e = DocExamples.SegmindPythonSync;
        var (status, _, response) = await sim.SendAsync(HttpMethod.Post, "/segmind" + e.Path, e.Body, e.Headers);

        status.ShouldBe(200);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("video/mp4");
        response.Headers.GetValues("x-remaining-credits").ShouldNotBeEmpty();
        response.Headers.GetValues("x-generation-time").ShouldNotBeEmpty();
        JsonNode.Parse(response.Headers.GetValues("x-output-metadata").Single())!["height"]!.GetValue<int>().ShouldBe(540);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var (info, error) = await Mp4Probe.ProbeAsync(stream, CancellationToken.None);
        error.ShouldBeNull();
        (info!.Width, info.Height, info.Duration).ShouldBe((960, 540, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Credits_DocumentedEndpoints_AnswerBalance()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["pixwith"].Credits.Balance = 500);
        var p = DocExamples.PixwithGetCredits;
        var (_, pixwith, _) = await sim.SendAsync(HttpMethod.Post, "/pixwith" + p.Path, p.Body, p.Headers);
        var s = DocExamples.SegmindCredits;
        var (segmindStatus, segmind, _) = await sim.SendAsync(HttpMethod.Get, "/segmind" + s.Path, null, s.Headers);

        pixwith!["data"]!["credits"]!.GetValue<decimal>().ShouldBe(500m);
        segmindStatus.ShouldBe(200);
        segmind!["free-credits"].ShouldNotBeNull();
    }

    [Fact]
    public async Task SegmindSubmits_ConcurrentCharges_EachReplyReportsTheBalanceRightAfterItsOwnCharge()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["segmind"].Credits = new BatchGen.Simulator.CreditScenario { Balance = 100, PricePerJob = 2 });
        var e = DocExamples.SegmindAsyncSubmit;
        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sim.SendAsync(HttpMethod.Post, "/segmind" + e.Path, e.Body, e.Headers)));

        var balances = replies.Select(r => decimal.Parse(r.Response.Headers.GetValues("x-remaining-credits").Single(), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        balances.ShouldBe([90m, 92m, 94m, 96m, 98m]);
        var s = DocExamples.SegmindCredits;
        var (_, credits, _) = await sim.SendAsync(HttpMethod.Get, "/segmind" + s.Path, null, s.Headers);
        credits!["credits"]!.GetValue<decimal>().ShouldBe(90m);
    }
}
