using System.Net;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

/// <summary>The exact one-line messages users read: what failed, where (provider, job or task), how to fix it.</summary>
public sealed class ErrorMessageExamplesTests
{
    [Fact]
    public async Task SubmitAsync_BadKey_MessageNamesProviderJobAndEnvVar()
    {
        var outcome = await SubmitAsync(ProviderNames.Magnific, StubResponse.Json("""{"message":"Invalid API key"}""", HttpStatusCode.Unauthorized));

        outcome.Error!.Message.ShouldBe("magnific submit of job 0123456789abcdef: HTTP 401: Invalid API key (check the API key in MAGNIFIC_API_KEY)");
    }

    [Fact]
    public async Task SubmitAsync_Throttled_MessageSaysWhenToRetry()
    {
        var outcome = await SubmitAsync(ProviderNames.AimlApi, StubResponse.Json(
            """{"message":"Too Many Requests","path":"/v2/video/generations","requestId":"r","statusCode":429,"timestamp":"t"}""",
            HttpStatusCode.TooManyRequests, ("Retry-After", "12")));

        outcome.Error!.Message.ShouldBe("aimlapi submit of job 0123456789abcdef: HTTP 429: Too Many Requests (retry after 12 s)");
    }

    [Fact]
    public async Task SubmitAsync_PixwithCredits_MessageSaysTopUp()
    {
        var outcome = await SubmitAsync(ProviderNames.Pixwith, StubResponse.Json("""{"code":0,"message":"Credits not enough","data":{}}"""));

        outcome.Error!.Message.ShouldBe(
            "pixwith submit of job 0123456789abcdef: code 0: Credits not enough (top up the account; this provider's remaining jobs stay pending)");
    }

    [Fact]
    public async Task SubmitAsync_Validation_MessageListsInvalidParams()
    {
        var outcome = await SubmitAsync(ProviderNames.Magnific, StubResponse.Problem(
            """{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"duration","reason":"10s videos are only available up to 720p"}]}""",
            HttpStatusCode.BadRequest));

        outcome.Error!.Message.ShouldBe(
            "magnific submit of job 0123456789abcdef: HTTP 400: Your request parameters didn't validate. (duration: 10s videos are only available up to 720p) (fix the job parameters)");
    }

    [Fact]
    public async Task PollAsync_Expired_MessageExplainsRetention()
    {
        using var handler = new StubHandler().Reply(StubResponse.Json("""{"error":"Request not found"}""", HttpStatusCode.NotFound));
        var adapter = Create(ProviderNames.Segmind, handler);

        var outcome = await adapter.PollAsync("abc", CancellationToken.None);

        outcome.Error!.Message.ShouldBe(
            "segmind task abc: HTTP 404: Request not found; results are kept one hour after submission (expired: the provider no longer keeps this task)");
    }

    private static async Task<SubmitOutcome> SubmitAsync(string provider, StubResponse reply)
    {
        using var handler = new StubHandler().Reply(reply);
        return await Create(provider, handler).SubmitAsync(TestJobs.Job(provider), CancellationToken.None);
    }

    private static IProviderAdapter Create(string provider, StubHandler handler)
    {
        var settings = ProviderCatalog.CreateDefaults()[provider];
        settings.BaseUrl = new Uri("http://provider.test");
        return ProviderAdapterFactory.Create(settings, new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));
    }
}
