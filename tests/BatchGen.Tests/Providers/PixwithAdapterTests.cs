using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class PixwithAdapterTests : ProviderAdapterContractTests
{
    private const string VideoUrl = "https://cdn.pixwith.ai/results/d425ab4dc256f0ebaa84862b9cea8a3d_0.mp4";

    protected override string ProviderName => ProviderNames.Pixwith;

    protected override string AuthHeader => "Api-Key";

    protected override StubResponse SubmitAccepted(string remoteId) =>
        StubResponse.Json($$$"""{"code":1,"message":"success","data":{"task_id":"{{{remoteId}}}","estimated_time":150}}""");

    protected override (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body) =>
        (body.GetProperty("prompt").GetString(),
         body.GetProperty("image_urls")[0].GetString(),
         body.GetProperty("options").GetProperty("resolution").GetString());

    protected override IEnumerable<StatusCase> StatusCases() =>
    [
        new("1 processing", [Task("1", "[]")], RemoteState.Running),
        new("2 completed", [Task("2", $"[\"{VideoUrl}\"]")], RemoteState.Succeeded, VideoUrl),
        new("\"2\" as text", [Task("\"2\"", $"[\"{VideoUrl}\"]")], RemoteState.Succeeded, VideoUrl),
        new("3 failed", [Task("3", "[]")], RemoteState.Failed),
        new("unknown 9", [Task("9", "[]")], RemoteState.Running),
    ];

    protected override IEnumerable<ErrorCase> SubmitErrorCases() =>
    [
        new("code 0 invalid key", Envelope(0, "Invalid API KEY"), ErrorClass.Account, "auth"),
        new("code 0 invalid key long", Envelope(0, "Invalid API key. Get a valid API key at https://pixwith.ai/api"), ErrorClass.Account, "auth"),
        new("code 0 credits", Envelope(0, "Credits not enough"), ErrorClass.Account, "credits"),
        new("code 0 image format", Envelope(0, "Invalid image format"), ErrorClass.Permanent, "validation"),
        new("code 0 image url", Envelope(0, "Invalid image url"), ErrorClass.Permanent, "validation"),
        new("code 0 busy", Envelope(0, "Server busy, please try again later"), ErrorClass.Retryable, "server_error"),
        new("code 2 auth", Envelope(2, "Unauthorized"), ErrorClass.Account, "auth"),
        new("code 0 key echoed", Envelope(0, $"Invalid API key {TestJobs.ApiKey}"), ErrorClass.Account, "auth"),
        new("no code", StubResponse.Json("""{"message":"success"}"""), ErrorClass.Retryable, "malformed_reply"),
    ];

    [Fact]
    public async Task SubmitAsync_Body_HasAllRequiredOptionsWithDefaults()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName, p => p with { Duration = 8, AspectRatio = "3:4", Resolution = "540p" });

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        var request = Handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://provider.test/api/task/create"));
        var body = JsonDocument.Parse(request.Body!).RootElement;
        body.GetProperty("model_id").GetString().ShouldBe("2-27");
        body.GetProperty("image_urls").GetArrayLength().ShouldBe(1);
        var options = body.GetProperty("options");
        options.GetProperty("prompt_optimization").GetBoolean().ShouldBeFalse();
        options.GetProperty("num_outputs").GetInt32().ShouldBe(1);
        options.GetProperty("resolution").GetString().ShouldBe("540p");
        options.GetProperty("aspect_ratio").GetString().ShouldBe("3:4");
        options.GetProperty("duration").GetInt32().ShouldBe(8);
    }

    [Fact]
    public async Task SubmitAsync_SetOptions_AreSent()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var settings = Settings();
        settings.Model = "2-30";

        await CreateSut(settings).SubmitAsync(TestJobs.Job(ProviderName, p => p with { PromptOptimization = true, NumOutputs = 3 }), CancellationToken.None);

        var body = JsonDocument.Parse(Handler.Requests.Single().Body!).RootElement;
        body.GetProperty("model_id").GetString().ShouldBe("2-30");
        body.GetProperty("options").GetProperty("prompt_optimization").GetBoolean().ShouldBeTrue();
        body.GetProperty("options").GetProperty("num_outputs").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task SubmitAsync_Accepted_ReportsEstimatedTime()
    {
        Handler.Reply(SubmitAccepted(RemoteId));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.EstimatedTime.ShouldBe(TimeSpan.FromSeconds(150));
    }

    [Fact]
    public async Task SubmitAsync_CodeZeroInsideHttp200_MessageQuotesProvider()
    {
        Handler.Reply(Envelope(0, "Credits not enough"));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.HttpStatus.ShouldBe(200);
        outcome.Error!.Message.ShouldContain("Credits not enough");
        outcome.Error.MayHaveBeenAccepted.ShouldBeFalse();
    }

    [Fact]
    public async Task PollAsync_Request_PostsTaskIdWithoutIdempotencyKey()
    {
        Handler.Reply(Task("1", "[]"));

        await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        var request = Handler.Requests.Single();
        request.Method.ShouldBe(HttpMethod.Post);
        request.Uri.ShouldBe(new Uri("http://provider.test/api/task/get"));
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("task_id").GetString().ShouldBe(RemoteId);
    }

    [Fact]
    public async Task PollAsync_SeveralOutputs_ReturnsEveryUrl()
    {
        Handler.Reply(Task("2", $"[\"{VideoUrl}\",\"https://cdn.pixwith.ai/results/b.mp4\"]"));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.ResultUrls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task PollAsync_CodeZeroUnknown_IsRetryable()
    {
        Handler.Reply(Envelope(0, "system error"));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Class.ShouldBe(ErrorClass.Retryable);
    }

    [Fact]
    public async Task PollAsync_CodeZeroTaskNotFound_IsPermanent()
    {
        Handler.Reply(Envelope(0, "Task not found"));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error!.Class.ShouldBe(ErrorClass.Permanent);
        outcome.Error.Code.ShouldBe("not_found");
    }

    private static StubResponse Task(string status, string urls) => StubResponse.Json(
        $$$"""{"code":1,"message":"success","data":{"task_id":"{{{RemoteId}}}","status":{{{status}}},"result_urls":{{{urls}}}}}""");

    private static StubResponse Envelope(int code, string message) =>
        StubResponse.Json($$$"""{"code":{{{code}}},"message":"{{{message}}}","data":{}}""", HttpStatusCode.OK);
}
