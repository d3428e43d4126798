using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class SegmindAdapterTests : ProviderAdapterContractTests
{
    private const string VideoUrl = "https://segmind-inference.s3.amazonaws.com/outputs/video.mp4";

    protected override string ProviderName => ProviderNames.Segmind;

    protected override string AuthHeader => "x-api-key";

    protected override StubResponse SubmitAccepted(string remoteId) => StubResponse.Json(
        $$"""
        {"request_id":"{{remoteId}}","status":"QUEUED",
         "poll_url":"https://api.segmind.com/v1/requests/{{remoteId}}",
         "status_url":"https://api.segmind.com/v2/requests/{{remoteId}}/status",
         "response_url":"https://api.segmind.com/v2/requests/{{remoteId}}"}
        """,
        HttpStatusCode.OK,
        ("x-remaining-credits", "12.5"));

    protected override StubResponse? SubmitAlreadyFailed(string remoteId) =>
        StubResponse.Json($$"""{"request_id":"{{remoteId}}","status":"FAILED","error":"inference failed"}""");

    protected override (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body) =>
        (body.GetProperty("prompt").GetString(), body.GetProperty("image_url").GetString(), body.GetProperty("quality").GetString());

    protected override IEnumerable<StatusCase> StatusCases() =>
    [
        new("QUEUED", [Status("QUEUED")], RemoteState.Queued),
        new("PROCESSING", [Status("PROCESSING")], RemoteState.Running),
        new("COMPLETED output string", [Status("COMPLETED"), Result($"\"{VideoUrl}\"")], RemoteState.Succeeded, VideoUrl),
        new("COMPLETED output array", [Status("COMPLETED"), Result($"[\"{VideoUrl}\"]")], RemoteState.Succeeded, VideoUrl),
        new("COMPLETED output object", [Status("COMPLETED"), Result($$"""{"url":"{{VideoUrl}}","type":"video"}""")], RemoteState.Succeeded, VideoUrl),
        new("COMPLETED output array of objects", [Status("COMPLETED"), Result($$"""[{"video_url":"{{VideoUrl}}"}]""")], RemoteState.Succeeded, VideoUrl),
        new("FAILED", [StubResponse.Json($$"""{"status":"FAILED","request_id":"{{RemoteId}}","error":"inference failed"}""")], RemoteState.Failed),
        new("404 after retention", [StubResponse.Json("""{"error":"Request not found"}""", HttpStatusCode.NotFound)], RemoteState.Failed),
        new("unknown", [Status("STARTING")], RemoteState.Running),
    ];

    protected override IEnumerable<ErrorCase> SubmitErrorCases() =>
    [
        new("401", StubResponse.Json("""{"error":"Invalid API key"}""", HttpStatusCode.Unauthorized), ErrorClass.Account, "auth"),
        new("403", StubResponse.Json("""{"error":"Forbidden"}""", HttpStatusCode.Forbidden), ErrorClass.Account, "auth"),
        new("406 credits", StubResponse.Json("""{"error":"Not enough credits"}""", HttpStatusCode.NotAcceptable), ErrorClass.Account, "credits"),
        new("402 insufficient", StubResponse.Json("""{"error":"Insufficient Credits"}""", HttpStatusCode.PaymentRequired), ErrorClass.Account, "credits"),
        new("400 insufficient credits", StubResponse.Json("""{"error":"Insufficient Credits"}""", HttpStatusCode.BadRequest), ErrorClass.Account, "credits"),
        new("400 bad request", StubResponse.Json("""{"error":"duration must be 5 with fast motion"}""", HttpStatusCode.BadRequest), ErrorClass.Permanent, "validation"),
        new("404 model", StubResponse.Json("""{"error":"Model not found"}""", HttpStatusCode.NotFound), ErrorClass.Permanent, "not_found"),
        new("429 reset header", StubResponse.Json("""{"error":"Rate limit exceeded"}""", HttpStatusCode.TooManyRequests,
            ("x-rate-limit-reset-at-utc", ProviderTestTime.Epoch.AddSeconds(20).ToString("O", System.Globalization.CultureInfo.InvariantCulture))),
            ErrorClass.Retryable, "rate_limited", TimeSpan.FromSeconds(20)),
        new("429 reset epoch", StubResponse.Json("""{"error":"Rate limit exceeded"}""", HttpStatusCode.TooManyRequests,
            ("x-rate-limit-reset-at-utc", ProviderTestTime.Epoch.AddSeconds(45).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ErrorClass.Retryable, "rate_limited", TimeSpan.FromSeconds(45)),
    ];

    [Fact]
    public async Task SubmitAsync_Async_PostsV2WithDocumentedFields()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName, p => p with
        {
            Audio = true, SoundEffectContent = "rain", LipSyncTtsContent = "hello", LipSyncTtsSpeakerId = "3", Seed = 56698, Style = "anime",
        });

        var outcome = await CreateSut().SubmitAsync(job, CancellationToken.None);

        outcome.RemainingCredits.ShouldBe(12.5m);
        var request = Handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://provider.test/v2/pixverse-5-video"));
        var body = JsonDocument.Parse(request.Body!).RootElement;
        body.GetProperty("duration").GetInt32().ShouldBe(5);
        body.GetProperty("motion_mode").GetString().ShouldBe("normal");
        body.GetProperty("aspect_ratio").GetString().ShouldBe("16:9");
        body.GetProperty("sound_effect_switch").GetBoolean().ShouldBeTrue();
        body.GetProperty("sound_effect_content").GetString().ShouldBe("rain");
        body.GetProperty("lip_sync_switch").GetBoolean().ShouldBeTrue();
        body.GetProperty("lip_sync_tts_content").GetString().ShouldBe("hello");
        body.GetProperty("lip_sync_tts_speaker_id").GetString().ShouldBe("3");
        body.GetProperty("seed").GetInt64().ShouldBe(56698);
        body.TryGetProperty("style", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitAsync_AudioUnset_SendsSoundOffExplicitly()
    {
        Handler.Reply(SubmitAccepted(RemoteId));

        await CreateSut().SubmitAsync(TestJobs.Job(ProviderName, p => p with { MotionMode = "fast" }), CancellationToken.None);

        var body = JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement;
        body.GetProperty("sound_effect_switch").GetBoolean().ShouldBeFalse();
        body.GetProperty("lip_sync_switch").GetBoolean().ShouldBeFalse();
        body.GetProperty("motion_mode").GetString().ShouldBe("fast");
    }

    [Fact]
    public async Task PollAsync_Completed_ReadsOnlyTheStatusAndLeavesTheResultPending()
    {
        Handler.Reply(Status("COMPLETED"), Result($"\"{VideoUrl}\""));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Succeeded);
        outcome.ResultPending.ShouldBeTrue();
        outcome.ResultUrls.ShouldBeEmpty();
        Handler.Requests.Select(r => r.Uri.ToString()).ShouldBe([$"http://provider.test/v2/requests/{RemoteId}/status"]);
    }

    [Fact]
    public async Task FetchResultAsync_AfterCompleted_ReadsTheResultWithOneRequest()
    {
        Handler.Reply(Result($"\"{VideoUrl}\""));

        var outcome = await CreateSut().FetchResultAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Succeeded);
        outcome.ResultPending.ShouldBeFalse();
        outcome.ResultUrls.Select(u => u.ToString()).ShouldBe([VideoUrl]);
        Handler.Requests.Select(r => r.Uri.ToString()).ShouldBe([$"http://provider.test/v2/requests/{RemoteId}"]);
        Handler.Requests.ShouldAllBe(r => r.Method == HttpMethod.Get);
    }

    [Fact]
    public async Task PollAsync_Queued_MakesOneRequest()
    {
        Handler.Reply(Status("QUEUED"));

        await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        Handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task PollAsync_NotFoundAfterRetention_IsPermanentExpired()
    {
        Handler.Reply(StubResponse.Json("""{"error":"Request not found"}""", HttpStatusCode.NotFound));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Failed);
        outcome.Error!.Class.ShouldBe(ErrorClass.Permanent);
        outcome.Error.Code.ShouldBe("expired");
    }

    [Fact]
    public async Task FetchResultAsync_ResultExpiredAfterTheStatus_IsPermanentExpired()
    {
        Handler.Reply(StubResponse.Json("""{"error":"Request not found"}""", HttpStatusCode.NotFound));

        var outcome = await CreateSut().FetchResultAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Code.ShouldBe("expired");
    }

    [Fact]
    public async Task FetchResultAsync_ServerError_IsRetryableWithoutState()
    {
        Handler.Reply(StubResponse.Json("""{"error":"boom"}""", HttpStatusCode.BadGateway));

        var outcome = await CreateSut().FetchResultAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBeNull();
        outcome.Error!.Class.ShouldBe(ErrorClass.Retryable);
    }

    [Fact]
    public async Task PollAsync_FailedStatus_MessageCarriesError()
    {
        Handler.Reply(StubResponse.Json($$"""{"status":"FAILED","request_id":"{{RemoteId}}","error":"inference failed"}"""));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Code.ShouldBe("generation_failed");
        outcome.Error.Message.ShouldContain("inference failed");
    }

    private static StubResponse Status(string status) => StubResponse.Json(
        $$$"""{"status":"{{{status}}}","request_id":"{{{RemoteId}}}","status_url":"https://api.segmind.com/v2/requests/{{{RemoteId}}}/status","metrics":{}}""");

    private static StubResponse Result(string output) => StubResponse.Json(
        $$$"""{"request_id":"{{{RemoteId}}}","status":"COMPLETED","output":{{{output}}},"metrics":{"inference_time":61.9}}""");
}
