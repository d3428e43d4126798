using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class GmiCloudAdapterTests : ProviderAdapterContractTests
{
    private const string VideoUrl = "https://storage.googleapis.com/bucket/generated-i2v-video.mp4";
    private const string MediaUrl = "https://storage.googleapis.com/bucket/media-0.mp4";

    protected override string ProviderName => ProviderNames.GmiCloud;

    protected override string AuthHeader => "Authorization";

    protected override string AuthValue => $"Bearer {TestJobs.ApiKey}";

    protected override StubResponse SubmitAccepted(string remoteId) =>
        StubResponse.Json($$"""{"request_id":"{{remoteId}}","status":"queued","model":"pixverse-v5.5-i2v"}""");

    protected override StubResponse? SubmitAlreadyFailed(string remoteId) =>
        StubResponse.Json($$"""{"request_id":"{{remoteId}}","status":"failed","error":"bad image"}""");

    protected override (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body)
    {
        var payload = body.GetProperty("payload");
        return (payload.GetProperty("prompt").GetString(), payload.GetProperty("image_url").GetString(), payload.GetProperty("quality").GetString());
    }

    protected override IEnumerable<StatusCase> StatusCases() =>
    [
        new("queued", [Request("queued", "null")], RemoteState.Queued),
        new("dispatched", [Request("dispatched", "null")], RemoteState.Queued),
        new("processing", [Request("processing", "null")], RemoteState.Running),
        new("success video_url (doc)", [Request("success", $$"""{"video_url":"{{VideoUrl}}"}""")], RemoteState.Succeeded, VideoUrl),
        new("success media_urls (clients)", [Request("success",
            $$"""{"media_urls":[{"id":"m0","url":"{{MediaUrl}}"}],"thumbnail_image_url":"https://storage.googleapis.com/bucket/t.jpg","video_url":"{{VideoUrl}}"}""")],
            RemoteState.Succeeded, MediaUrl),
        new("failed with error", [StubResponse.Json($$"""{"request_id":"{{RemoteId}}","status":"failed","outcome":null,"error":"image could not be fetched"}""")],
            RemoteState.Failed),
        new("cancelled", [Request("cancelled", "null")], RemoteState.Failed),
        new("unknown", [Request("warming_up", "null")], RemoteState.Running),
    ];

    protected override IEnumerable<ErrorCase> SubmitErrorCases() =>
    [
        new("401 error string", StubResponse.Json("""{"error":"invalid api key"}""", HttpStatusCode.Unauthorized), ErrorClass.Account, "auth"),
        new("403", StubResponse.Json("""{"error":"forbidden"}""", HttpStatusCode.Forbidden), ErrorClass.Account, "auth"),
        new("402 balance", StubResponse.Json("""{"error":"insufficient balance"}""", HttpStatusCode.PaymentRequired), ErrorClass.Account, "credits"),
        new("422", StubResponse.Json("""{"error":"payload.duration: must be one of 5, 8, 10"}""", HttpStatusCode.UnprocessableEntity),
            ErrorClass.Permanent, "validation"),
        new("400 moderation", StubResponse.Json("""{"error":"prompt rejected by content moderation"}""", HttpStatusCode.BadRequest),
            ErrorClass.Permanent, "moderation"),
    ];

    [Fact]
    public async Task SubmitAsync_Envelope_HasModelPayloadAndStringDuration()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName, p => p with
        {
            Duration = 8, AspectRatio = "9:16", Style = "none", Thinking = "auto", Audio = true, MultiClip = true, Seed = 7,
        });

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        var request = Handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://provider.test/api/v1/ie/requestqueue/apikey/requests"));
        var body = JsonDocument.Parse(request.Body!).RootElement;
        body.GetProperty("model").GetString().ShouldBe("pixverse-v5.5-i2v");
        var payload = body.GetProperty("payload");
        payload.GetProperty("duration").GetString().ShouldBe("8");
        payload.GetProperty("aspect_ratio").GetString().ShouldBe("9:16");
        payload.GetProperty("style").GetString().ShouldBe("none");
        payload.GetProperty("thinking_type").GetString().ShouldBe("auto");
        payload.GetProperty("generate_audio_switch").GetBoolean().ShouldBeTrue();
        payload.GetProperty("generate_multi_clip_switch").GetBoolean().ShouldBeTrue();
        payload.GetProperty("seed").GetInt64().ShouldBe(7);
    }

    [Fact]
    public async Task SubmitAsync_Extra_GoesIntoPayload()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var extra = new Dictionary<string, JsonElement> { ["quality"] = JsonSerializer.SerializeToElement("1080p") };

        await CreateSut().SubmitAsync(TestJobs.Job(ProviderName, p => p with { Extra = extra }), CancellationToken.None);

        var body = JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement;
        body.GetProperty("payload").GetProperty("quality").GetString().ShouldBe("1080p");
        body.TryGetProperty("quality", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitAsync_ModelSetting_IsSent()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var settings = Settings();
        settings.Model = "pixverse-v5.6-i2v";

        await CreateSut(settings).SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement.GetProperty("model").GetString().ShouldBe("pixverse-v5.6-i2v");
    }

    [Fact]
    public async Task SubmitAsync_ReplyAlreadySuccess_ReportsSucceeded()
    {
        Handler.Reply(StubResponse.Json($$"""{"request_id":"{{RemoteId}}","status":"success"}"""));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.IsSuccess.ShouldBeTrue();
        outcome.State.ShouldBe(RemoteState.Succeeded);
        outcome.RemoteId.ShouldBe(RemoteId);
    }

    [Fact]
    public async Task SubmitAsync_ReplyAlreadyFailed_KeepsIdAndFailsPermanently()
    {
        Handler.Reply(StubResponse.Json($$"""{"request_id":"{{RemoteId}}","status":"failed","error":"NSFW content detected"}"""));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Failed);
        outcome.RemoteId.ShouldBe(RemoteId);
        outcome.Error!.Class.ShouldBe(ErrorClass.Permanent);
        outcome.Error.Code.ShouldBe("moderation");
        outcome.Error.Message.ShouldContain("NSFW content detected");
    }

    [Fact]
    public async Task PollAsync_FailedTask_MessageCarriesTopLevelError()
    {
        Handler.Reply(StubResponse.Json($$"""{"request_id":"{{RemoteId}}","status":"failed","outcome":null,"error":"upstream generation failed"}"""));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Code.ShouldBe("generation_failed");
        outcome.Error.Message.ShouldContain("upstream generation failed");
        outcome.RawStatus.ShouldBe("failed");
    }

    [Fact]
    public async Task PollAsync_SuccessWithNullOutcome_IsRetryableMalformed()
    {
        Handler.Reply(Request("success", "null"));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBeNull();
        outcome.Error!.Class.ShouldBe(ErrorClass.Retryable);
    }

    private static StubResponse Request(string status, string outcome) => StubResponse.Json(
        $$"""{"request_id":"{{RemoteId}}","org_id":"pixverse","model":"pixverse-v5.5-i2v","status":"{{status}}","payload":{"prompt":"p"},"outcome":{{outcome}},"created_at":1750442925,"updated_at":1750442930}""");
}
