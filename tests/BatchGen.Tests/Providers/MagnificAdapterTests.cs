using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class MagnificAdapterTests : ProviderAdapterContractTests
{
    private const string VideoUrl = "https://ai-statics.freepik.com/content/video.mp4";

    protected override string ProviderName => ProviderNames.Magnific;

    protected override string AuthHeader => "x-magnific-api-key";

    protected override StubResponse SubmitAccepted(string remoteId) =>
        StubResponse.Json($$$"""{"data":{"generated":[],"task_id":"{{{remoteId}}}","status":"IN_PROGRESS"}}""");

    protected override StubResponse? SubmitAlreadyFailed(string remoteId) =>
        StubResponse.Json($$$"""{"data":{"generated":[],"task_id":"{{{remoteId}}}","status":"FAILED"}}""");

    protected override (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body) =>
        (body.GetProperty("prompt").GetString(), body.GetProperty("image_url").GetString(), body.GetProperty("resolution").GetString());

    protected override IEnumerable<StatusCase> StatusCases() =>
    [
        new("CREATED", [Task("CREATED", "[]")], RemoteState.Queued),
        new("IN_PROGRESS", [Task("IN_PROGRESS", "[]")], RemoteState.Running),
        new("COMPLETED", [Task("COMPLETED", $"[\"{VideoUrl}\"]")], RemoteState.Succeeded, VideoUrl),
        new("FAILED", [Task("FAILED", "[]")], RemoteState.Failed),
        new("unknown", [Task("RENDERING", "[]")], RemoteState.Running),
    ];

    protected override IEnumerable<ErrorCase> SubmitErrorCases() =>
    [
        new("401 invalid", StubResponse.Json("""{"message":"Invalid API key"}""", HttpStatusCode.Unauthorized), ErrorClass.Account, "auth"),
        new("401 missing", StubResponse.Json("""{"message":"Missing API key"}""", HttpStatusCode.Unauthorized), ErrorClass.Account, "auth"),
        new("400 flat", StubResponse.Json("""{"message":"Parameter ':attribute' is not valid"}""", HttpStatusCode.BadRequest), ErrorClass.Permanent, "validation"),
        new("400 problem flat", StubResponse.Problem(
            """{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"duration","reason":"must be one of 5, 8, 10"}]}""",
            HttpStatusCode.BadRequest), ErrorClass.Permanent, "validation"),
        new("400 problem wrapped", StubResponse.Problem(
            """{"problem":{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"aspect_ratio","reason":"unknown"}]}}""",
            HttpStatusCode.BadRequest), ErrorClass.Permanent, "validation"),
        new("429 stock body", StubResponse.Json("""{"message":"Too many requests"}""", HttpStatusCode.TooManyRequests), ErrorClass.Retryable, "rate_limited"),
        new("402 credits", StubResponse.Json("""{"message":"Not enough credits"}""", HttpStatusCode.PaymentRequired), ErrorClass.Account, "credits"),
    ];

    [Theory]
    [InlineData("16:9", "widescreen_16_9")]
    [InlineData("4:3", "classic_4_3")]
    [InlineData("1:1", "square_1_1")]
    [InlineData("3:4", "traditional_3_4")]
    [InlineData("9:16", "social_story_9_16")]
    public async Task SubmitAsync_AspectRatio_UsesMagnificName(string neutral, string wire)
    {
        Handler.Reply(SubmitAccepted(RemoteId));

        await CreateSut().SubmitAsync(TestJobs.Job(ProviderName, p => p with { AspectRatio = neutral }), CancellationToken.None);

        Body().GetProperty("aspect_ratio").GetString().ShouldBe(wire);
    }

    [Fact]
    public async Task SubmitAsync_AllFields_MapToSpecNames()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName, p => p with
        {
            Duration = 8, Audio = true, MultiClip = false, Thinking = "auto", CameraMovement = "zoom_in",
            Seed = 123, NegativePrompt = "blur", Style = "anime",
        });

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        var body = Body();
        Handler.Requests.Single().Uri.ShouldBe(new Uri("http://provider.test/v1/ai/image-to-video/pixverse-v5-5"));
        body.GetProperty("duration").GetInt32().ShouldBe(8);
        body.GetProperty("generate_audio_switch").GetBoolean().ShouldBeTrue();
        body.GetProperty("generate_multi_clip_switch").GetBoolean().ShouldBeFalse();
        body.GetProperty("thinking_type").GetString().ShouldBe("auto");
        body.GetProperty("camera_movement").GetString().ShouldBe("zoom_in");
        body.GetProperty("seed").GetInt64().ShouldBe(123);
        body.GetProperty("negative_prompt").GetString().ShouldBe("blur");
        body.GetProperty("style").GetString().ShouldBe("anime");
        body.TryGetProperty("webhook_url", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitAsync_StyleNone_IsOmitted()
    {
        Handler.Reply(SubmitAccepted(RemoteId));

        await CreateSut().SubmitAsync(TestJobs.Job(ProviderName, p => p with { Style = "none" }), CancellationToken.None);

        Body().TryGetProperty("style", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitAsync_WebhookConfigured_SendsWebhookUrl()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var settings = Settings();
        settings.WebhookUrl = new Uri("https://hooks.example.com/magnific");

        await CreateSut(settings).SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        Body().GetProperty("webhook_url").GetString().ShouldBe("https://hooks.example.com/magnific");
    }

    [Fact]
    public async Task SubmitAsync_ProblemJson_MessageNamesInvalidParams()
    {
        Handler.Reply(StubResponse.Problem(
            """{"problem":{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"duration","reason":"bad"}]}}""",
            HttpStatusCode.BadRequest));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.Error!.Message.ShouldContain("duration: bad");
        outcome.Error.Message.ShouldContain("HTTP 400");
    }

    [Fact]
    public async Task PollAsync_Request_GetsTaskPath()
    {
        Handler.Reply(Task("IN_PROGRESS", "[]"));

        await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        var request = Handler.Requests.Single();
        request.Method.ShouldBe(HttpMethod.Get);
        request.Uri.ShouldBe(new Uri($"http://provider.test/v1/ai/image-to-video/pixverse-v5-5/{RemoteId}"));
    }

    [Fact]
    public async Task PollAsync_CompletedWithoutUrl_IsRetryableMalformed()
    {
        Handler.Reply(Task("COMPLETED", "[]"));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBeNull();
        outcome.Error!.Code.ShouldBe("malformed_reply");
    }

    [Fact]
    public async Task ListTasksAsync_DocumentedList_ReturnsIdsAndStates()
    {
        Handler.Reply(StubResponse.Json("""{"data":[{"task_id":"a","status":"COMPLETED"},{"task_id":"b","status":"CREATED"}]}"""));
        var lister = CreateSut().ShouldBeAssignableTo<ITaskLister>()!;

        var tasks = await lister.ListTasksAsync(CancellationToken.None);

        tasks.ShouldNotBeNull().ShouldBe([("a", RemoteState.Succeeded), ("b", RemoteState.Queued)]);
        Handler.Requests.Single().Uri.ShouldBe(new Uri("http://provider.test/v1/ai/image-to-video/pixverse-v5-5"));
    }

    [Fact]
    public async Task ListTasksAsync_ServerError_ReturnsNull()
    {
        Handler.Reply(StubResponse.Json("""{"message":"Internal Server Error"}""", HttpStatusCode.InternalServerError));
        var lister = (ITaskLister)CreateSut();

        (await lister.ListTasksAsync(CancellationToken.None)).ShouldBeNull();
    }

    private static StubResponse Task(string status, string generated) =>
        StubResponse.Json($$$"""{"data":{"task_id":"{{{RemoteId}}}","status":"{{{status}}}","generated":{{{generated}}}}}""");

    private JsonElement Body() => JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement;
}
