using System.Net;
using System.Text.Json;
using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class AimlApiAdapterTests : ProviderAdapterContractTests
{
    private const string VideoUrl = "https://cdn.aimlapi.com/panda/pixverse%2Fmp4%2Fmedia%2Fweb%2Fori%2Fseed2144515801.mp4";

    protected override string ProviderName => ProviderNames.AimlApi;

    protected override string AuthHeader => "Authorization";

    protected override string AuthValue => $"Bearer {TestJobs.ApiKey}";

    protected override StubResponse SubmitAccepted(string remoteId) =>
        StubResponse.Json($$"""{"id":"{{remoteId}}","status":"queued","video":null,"error":null,"meta":null}""");

    protected override StubResponse? SubmitAlreadyFailed(string remoteId) =>
        StubResponse.Json($$$"""{"id":"{{{remoteId}}}","status":"error","video":null,"error":{"name":"GenerationError","message":"failed"}}""");

    protected override (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body) =>
        (body.GetProperty("prompt").GetString(), body.GetProperty("image_url").GetString(), body.GetProperty("resolution").GetString());

    protected override IEnumerable<StatusCase> StatusCases() =>
    [
        new("queued", [Generation("queued")], RemoteState.Queued),
        new("waiting (sample loop)", [Generation("waiting")], RemoteState.Queued),
        new("generating", [Generation("generating")], RemoteState.Running),
        new("active (clients)", [Generation("active")], RemoteState.Running),
        new("processing (clients)", [Generation("processing")], RemoteState.Running),
        new("completed", [Generation("completed", video: $$"""{"url":"{{VideoUrl}}"}""")], RemoteState.Succeeded, VideoUrl),
        new("succeeded (sample output)", [Generation("succeeded", video: $$"""{"url":"{{VideoUrl}}"}""")], RemoteState.Succeeded, VideoUrl),
        new("error", [Generation("error", error: """{"name":"GenerationError","message":"generation failed"}""")], RemoteState.Failed),
        new("failed (clients)", [Generation("failed")], RemoteState.Failed),
        new("unknown", [Generation("rendering")], RemoteState.Running),
    ];

    protected override IEnumerable<ErrorCase> SubmitErrorCases() =>
    [
        new("400 body validation", ErrorBody(400, "Body validation error! Expected one of 5, 8, 10, received 7"), ErrorClass.Permanent, "validation"),
        new("401", ErrorBody(401, "This request requires a valid API key."), ErrorClass.Account, "auth"),
        new("403 credits", ErrorBody(403, "You've run out of credits. Please top up your balance."), ErrorClass.Account, "credits"),
        new("404", ErrorBody(404, "Model not found"), ErrorClass.Permanent, "not_found"),
        new("429", ErrorBody(429, "Too Many Requests"), ErrorClass.Retryable, "rate_limited"),
        new("500", ErrorBody(500, "Something wrong with the server"), ErrorClass.Retryable, "server_error"),
        new("504 generation timeout", ErrorBody(504, "Generation timeout"), ErrorClass.Retryable, "timeout"),
        new("400 error.message (clients)", StubResponse.Json("""{"error":{"message":"image_url must be a URL"}}""", HttpStatusCode.BadRequest),
            ErrorClass.Permanent, "validation"),
    ];

    [Theory]
    [InlineData("pixverse/v5-5-image-to-video")]
    [InlineData("pixverse/v5.5/image-to-video")]
    public async Task SubmitAsync_ModelSpelling_IsSentAsConfigured(string model)
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var settings = Settings();
        settings.Model = model;

        await CreateSut(settings).SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        var request = Handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://provider.test/v2/video/generations"));
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("model").GetString().ShouldBe(model);
    }

    [Fact]
    public async Task SubmitAsync_NoModelSetting_UsesDocumentedDefault()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var settings = Settings();
        settings.Model = null;

        await CreateSut(settings).SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement.GetProperty("model").GetString().ShouldBe("pixverse/v5-5-image-to-video");
    }

    [Fact]
    public async Task SubmitAsync_OptionalFields_MapToSpecNames()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName, p => p with { Duration = 10, Audio = false, MultiClip = true, Thinking = "disabled", Style = "clay" });

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        var body = JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement;
        body.GetProperty("duration").GetInt32().ShouldBe(10);
        body.GetProperty("generate_audio_switch").GetBoolean().ShouldBeFalse();
        body.GetProperty("generate_multi_clip_switch").GetBoolean().ShouldBeTrue();
        body.GetProperty("thinking_type").GetString().ShouldBe("disabled");
        body.GetProperty("style").GetString().ShouldBe("clay");
    }

    [Fact]
    public async Task PollAsync_Request_UsesGenerationIdQuery()
    {
        Handler.Reply(Generation("queued"));

        await CreateSut().PollAsync("jCajo_YQuMr5As6lN1lSg", CancellationToken.None);

        Handler.Requests.Single().Uri.ShouldBe(new Uri("http://provider.test/v2/video/generations?generation_id=jCajo_YQuMr5As6lN1lSg"));
    }

    [Fact]
    public async Task PollAsync_CreditsUsed_ConvertedWithCreditPriceTable()
    {
        Handler.Reply(Generation("completed", video: $$"""{"url":"{{VideoUrl}}"}""", meta: """{"usage":{"credits_used":60}}"""));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.ActualCostUsd.ShouldBe(0.60m);
    }

    [Fact]
    public async Task PollAsync_UsdTableWithoutCreditRate_ReportsNoActualCost()
    {
        Handler.Reply(Generation("completed", video: $$"""{"url":"{{VideoUrl}}"}""", meta: """{"usage":{"credits_used":60}}"""));
        var settings = Settings();
        settings.Pricing = new PriceTable { Unit = PriceUnits.Usd };

        var outcome = await CreateSut(settings).PollAsync(RemoteId, CancellationToken.None);

        outcome.ActualCostUsd.ShouldBeNull();
    }

    [Fact]
    public async Task PollAsync_ReportedCreditUsdSetting_WinsOverTable()
    {
        Handler.Reply(Generation("completed", video: $$"""{"url":"{{VideoUrl}}"}""", meta: """{"usage":{"credits_used":126000}}"""));
        var settings = Settings();
        settings.Pricing = new PriceTable { Unit = PriceUnits.Usd };
        settings.ReportedCreditUsd = 0.0000005m;

        var outcome = await CreateSut(settings).PollAsync(RemoteId, CancellationToken.None);

        outcome.ActualCostUsd.ShouldBe(0.063m);
    }

    [Fact]
    public async Task PollAsync_ErrorStatus_MessageCarriesErrorNameAndMessage()
    {
        Handler.Reply(Generation("error", error: """{"name":"ModerationError","message":"Prompt flagged as sensitive"}"""));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Code.ShouldBe("moderation");
        outcome.Error.Message.ShouldContain("Prompt flagged as sensitive");
    }

    private static StubResponse Generation(string status, string video = "null", string error = "null", string meta = "null") =>
        StubResponse.Json($$"""{"id":"{{RemoteId}}","status":"{{status}}","video":{{video}},"error":{{error}},"meta":{{meta}}}""");

    private static StubResponse ErrorBody(int status, string message) => StubResponse.Json(
        $$"""{"message":"{{message}}","path":"/v2/video/generations","requestId":"7b1e","statusCode":{{status}},"timestamp":"2026-11-21T08:00:00.000Z"}""",
        (HttpStatusCode)status);
}
