using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers;

/// <summary>A status reply (or sequence, for providers that need two requests) and what it must parse to.</summary>
public sealed record StatusCase(string Name, StubResponse[] Replies, RemoteState Expected, string? ExpectedUrl = null);

/// <summary>An error reply and how it must be classified.</summary>
public sealed record ErrorCase(string Name, StubResponse Reply, ErrorClass Class, string Code, TimeSpan? RetryAfter = null);

/// <summary>
/// The contract every <see cref="IProviderAdapter"/> keeps, run against all five. Replies are built from the
/// providers' documented examples so the same cases can later be pointed at the simulator.
/// </summary>
public abstract class ProviderAdapterContractTests
{
    protected const string RemoteId = "046b6c7f-0b8a-43b9-b35d-6489e6daee91";
    protected static readonly Uri BaseUrl = new("http://provider.test");

    protected StubHandler Handler { get; } = new();

    protected abstract string ProviderName { get; }

    protected abstract string AuthHeader { get; }

    protected virtual string AuthValue => TestJobs.ApiKey;

    /// <summary>The documented reply to an accepted submit carrying <paramref name="remoteId"/>.</summary>
    protected abstract StubResponse SubmitAccepted(string remoteId);

    /// <summary>Reads the prompt, image URL and resolution back from a submitted body.</summary>
    protected abstract (string? Prompt, string? ImageUrl, string? Resolution) ReadSubmitted(JsonElement body);

    protected abstract IEnumerable<StatusCase> StatusCases();

    /// <summary>Provider-specific error shapes (documented bodies), on submit.</summary>
    protected abstract IEnumerable<ErrorCase> SubmitErrorCases();

    protected virtual ProviderSettings Settings()
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderName];
        settings.BaseUrl = BaseUrl;
        return settings;
    }

    protected IProviderAdapter CreateSut(ProviderSettings? settings = null) =>
        ProviderAdapterFactory.Create(settings ?? Settings(), new HttpClient(Handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

    /// <summary>Errors every provider classifies the same way whatever its body.</summary>
    protected static IEnumerable<ErrorCase> CommonErrorCases() =>
    [
        new("429 Retry-After seconds", StubResponse.Json("""{"message":"Too many requests"}""", HttpStatusCode.TooManyRequests, ("Retry-After", "7")),
            ErrorClass.Retryable, "rate_limited", TimeSpan.FromSeconds(7)),
        new("429 Retry-After date", StubResponse.Json("""{"message":"Too many requests"}""", HttpStatusCode.TooManyRequests,
            ("Retry-After", ProviderTestTime.Epoch.AddSeconds(30).ToString("r", System.Globalization.CultureInfo.InvariantCulture))),
            ErrorClass.Retryable, "rate_limited", TimeSpan.FromSeconds(30)),
        new("429 Retry-After a day", StubResponse.Json("""{"message":"Too many requests"}""", HttpStatusCode.TooManyRequests, ("Retry-After", "86400")),
            ErrorClass.Retryable, "rate_limited", RetryAfterParser.MaxDelay),
        // Epoch milliseconds where seconds belong: once a TimeSpan overflow that stopped the whole run (exit 70); now
        // the framework rejects the value and the 429 is an ordinary retryable error.
        new("429 Retry-After epoch ms", StubResponse.Json("""{"message":"Too many requests"}""", HttpStatusCode.TooManyRequests, ("Retry-After", "1764316800000")),
            ErrorClass.Retryable, "rate_limited"),
        new("500", StubResponse.Json("""{"message":"Internal Server Error"}""", HttpStatusCode.InternalServerError), ErrorClass.Retryable, "server_error"),
        new("502 html", StubResponse.Text("<html>Bad Gateway</html>", HttpStatusCode.BadGateway), ErrorClass.Retryable, "server_error"),
        new("503", StubResponse.Json("""{"message":"Service Unavailable. Please try again later."}""", HttpStatusCode.ServiceUnavailable), ErrorClass.Retryable, "server_error"),
        new("503 Retry-After", StubResponse.Json("""{"message":"Service Unavailable"}""", HttpStatusCode.ServiceUnavailable, ("Retry-After", "5")),
            ErrorClass.Retryable, "server_error", TimeSpan.FromSeconds(5)),
        new("504", StubResponse.Json("""{"message":"Generation timeout"}""", HttpStatusCode.GatewayTimeout), ErrorClass.Retryable, "timeout"),
        new("200 not json", StubResponse.Text("<html>oops</html>", HttpStatusCode.OK), ErrorClass.Retryable, "malformed_reply"),
        new("200 truncated json", StubResponse.Json("""{"data":{"task_""", HttpStatusCode.OK), ErrorClass.Retryable, "malformed_reply"),
        new("401 key echoed", StubResponse.Json($$"""{"message":"Invalid API key {{TestJobs.ApiKey}}"}""", HttpStatusCode.Unauthorized), ErrorClass.Account, "auth"),
        new("400", StubResponse.Json("""{"message":"Parameter 'duration' is not valid"}""", HttpStatusCode.BadRequest), ErrorClass.Permanent, "validation"),
    ];

    [Fact]
    public async Task SubmitAsync_Accepted_SendsIdempotencyKeyAuthAndJson()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName);

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        var request = Handler.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe(HttpMethod.Post);
        request.Uri.Host.ShouldBe(BaseUrl.Host);
        request.Header("Idempotency-Key").ShouldBe(job.Id);
        request.Header(AuthHeader).ShouldBe(AuthValue);
        request.ContentType.ShouldBe("application/json");
    }

    [Fact]
    public async Task SubmitAsync_Accepted_MapsPromptImageAndResolution()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var job = TestJobs.Job(ProviderName);

        await CreateSut().SubmitAsync(job, CancellationToken.None);

        using var body = JsonDocument.Parse(Handler.Requests.Single().Body!);
        var (prompt, image, resolution) = ReadSubmitted(body.RootElement);
        prompt.ShouldBe(job.Parameters.Prompt);
        image.ShouldBe(job.Parameters.ImageUrl);
        resolution.ShouldBe(job.Parameters.Resolution);
    }

    [Fact]
    public async Task SubmitAsync_Accepted_ReturnsRemoteId()
    {
        Handler.Reply(SubmitAccepted(RemoteId));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.IsSuccess.ShouldBeTrue(outcome.Error?.Message);
        outcome.RemoteId.ShouldBe(RemoteId);
        outcome.State.ShouldNotBe(RemoteState.Failed);
        outcome.HttpStatus.ShouldBe(200);
    }

    /// <summary>A submit reply whose task is already failed, for providers whose submit reply carries a status.</summary>
    protected virtual StubResponse? SubmitAlreadyFailed(string remoteId) => null;

    [Fact]
    public async Task SubmitAsync_ReplySaysFailed_KeepsIdWithPermanentError()
    {
        if (SubmitAlreadyFailed(RemoteId) is not { } reply)
        {
            return;
        }

        Handler.Reply(reply);

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Failed);
        outcome.RemoteId.ShouldBe(RemoteId);
        outcome.Error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Permanent);
    }

    [Fact]
    public async Task SubmitAsync_ExtraField_IsSentInTheBody()
    {
        Handler.Reply(SubmitAccepted(RemoteId));
        var extra = new Dictionary<string, JsonElement> { ["x_custom"] = JsonSerializer.SerializeToElement(42) };

        await CreateSut().SubmitAsync(TestJobs.Job(ProviderName, p => p with { Extra = extra }), CancellationToken.None);

        Handler.Requests.Single().Body!.ShouldContain("\"x_custom\":42");
    }

    [Fact]
    public async Task PollAsync_EachDocumentedStatus_MapsToCommonState()
    {
        foreach (var c in StatusCases())
        {
            var handler = new StubHandler().Reply(c.Replies);
            var sut = ProviderAdapterFactory.Create(Settings(), new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

            var outcome = await sut.PollAsync(RemoteId, CancellationToken.None);
            // One HTTP request per call (each takes one rate permit); a result the status does not carry is one more call.
            handler.Requests.Count.ShouldBe(1, c.Name);
            if (outcome.ResultPending)
            {
                outcome.State.ShouldBe(RemoteState.Succeeded, c.Name);
                outcome = await sut.FetchResultAsync(RemoteId, CancellationToken.None);
                handler.Requests.Count.ShouldBe(2, c.Name);
            }

            outcome.State.ShouldBe(c.Expected, $"case '{c.Name}': {outcome.Error?.Message}");
            handler.Requests.ShouldAllBe(r => r.Header(AuthHeader) == AuthValue, c.Name);
            handler.Requests.ShouldAllBe(r => r.Header("Idempotency-Key") == null, c.Name);
            (handler.Requests[0].Uri + " " + handler.Requests[0].Body).ShouldContain(RemoteId, Case.Sensitive, c.Name);
            if (c.Expected == RemoteState.Succeeded)
            {
                outcome.ResultUrls.Select(u => u.ToString()).ShouldContain(c.ExpectedUrl!, c.Name);
                outcome.Error.ShouldBeNull(c.Name);
            }

            if (c.Expected == RemoteState.Failed)
            {
                outcome.Error.ShouldNotBeNull(c.Name).Class.ShouldBe(ErrorClass.Permanent, c.Name);
            }
        }
    }

    [Fact]
    public async Task SubmitAsync_EachErrorShape_IsClassified()
    {
        foreach (var c in CommonErrorCases().Concat(SubmitErrorCases()))
        {
            var handler = new StubHandler().Reply(c.Reply);
            var sut = ProviderAdapterFactory.Create(Settings(), new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

            var outcome = await sut.SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

            var error = outcome.Error.ShouldNotBeNull(c.Name);
            error.Class.ShouldBe(c.Class, $"case '{c.Name}': {error.Message}");
            error.Code.ShouldBe(c.Code, $"case '{c.Name}': {error.Message}");
            if (c.RetryAfter is not null)
            {
                error.RetryAfter.ShouldBe(c.RetryAfter, c.Name);
            }

            AssertSafeMessage(error.Message, c.Name);
        }
    }

    [Fact]
    public async Task PollAsync_ServerAndThrottleErrors_AreRetryableWithoutState()
    {
        foreach (var c in CommonErrorCases().Where(c => c.Class == ErrorClass.Retryable))
        {
            var handler = new StubHandler().Reply(c.Reply);
            var sut = ProviderAdapterFactory.Create(Settings(), new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

            var outcome = await sut.PollAsync(RemoteId, CancellationToken.None);

            outcome.State.ShouldBeNull(c.Name);
            var error = outcome.Error.ShouldNotBeNull(c.Name);
            error.Class.ShouldBe(ErrorClass.Retryable, c.Name);
            error.MayHaveBeenAccepted.ShouldBeFalse(c.Name);
            AssertSafeMessage(error.Message, c.Name);
        }
    }

    [Fact]
    public async Task PollAsync_BadKey_IsAccountLevel()
    {
        Handler.Reply(StubResponse.Json("""{"message":"Invalid API key"}""", HttpStatusCode.Unauthorized));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.Error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Account);
        outcome.Error.Message.ShouldContain(Settings().ApiKeyEnv);
    }

    [Fact]
    public async Task PollAsync_TaskUnknown404_IsFailedPermanently()
    {
        Handler.Reply(StubResponse.Json("""{"message":"Not Found"}""", HttpStatusCode.NotFound));

        var outcome = await CreateSut().PollAsync(RemoteId, CancellationToken.None);

        outcome.State.ShouldBe(RemoteState.Failed);
        outcome.Error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Permanent);
        outcome.HttpStatus.ShouldBe(404);
    }

    [Fact]
    public async Task SubmitAsync_ClientErrors_AreNotMaybeAccepted()
    {
        foreach (var status in new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests })
        {
            var handler = new StubHandler().Reply(StubResponse.Json("""{"message":"no"}""", status));
            var sut = ProviderAdapterFactory.Create(Settings(), new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

            var outcome = await sut.SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

            outcome.Error.ShouldNotBeNull().MayHaveBeenAccepted.ShouldBeFalse(status.ToString());
            outcome.RemoteId.ShouldBeNull();
        }
    }

    [Fact]
    public async Task SubmitAsync_ConnectionRefused_IsRetryableAndNotAccepted()
    {
        Handler.Throw = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (provider.test:80)");

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Class.ShouldBe(ErrorClass.Retryable);
        error.Code.ShouldBe("connection");
        error.MayHaveBeenAccepted.ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitAsync_ConnectionReset_IsRetryableAndMaybeAccepted()
    {
        Handler.Throw = new HttpRequestException("Error while copying content", new IOException("Connection reset by peer"));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Code.ShouldBe("connection");
        error.MayHaveBeenAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task SubmitAsync_HttpClientTimeout_IsRetryableTimeout()
    {
        Handler.Throw = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout", new TimeoutException());

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderName), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Class.ShouldBe(ErrorClass.Retryable);
        error.Code.ShouldBe("timeout");
        error.MayHaveBeenAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task SubmitAsync_CallerCancels_ThrowsOperationCanceled()
    {
        Handler.Hang = true;
        using var cts = new CancellationTokenSource();
        var sut = CreateSut();

        var submit = sut.SubmitAsync(TestJobs.Job(ProviderName), cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(submit);
    }

    [Fact]
    public async Task SubmitAsync_CallerCancelledAndConnectionBroke_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Handler.Throw = new HttpRequestException("Connection reset");

        await Should.ThrowAsync<OperationCanceledException>(() => CreateSut().SubmitAsync(TestJobs.Job(ProviderName), cts.Token));
    }

    [Fact]
    public async Task PollAsync_CallerCancels_ThrowsOperationCanceled()
    {
        Handler.Hang = true;
        using var cts = new CancellationTokenSource();

        var poll = CreateSut().PollAsync(RemoteId, cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(poll);
    }

    [Fact]
    public async Task PollAsync_ArbitraryJsonReply_NeverThrowsAndAlwaysSaysSomething()
    {
        // Odd values dropped into the documented field names, so the parsers meet wrong types and shapes.
        string[] fields = ["status", "data", "code", "outcome", "output", "video", "generated", "result_urls", "error", "message", "task_id", "meta"];
        string[] values = ["null", "1", "2", "-1", "1e400", "true", "\"\"", "\"COMPLETED\"", "\"success\"", "\"not a url\"", "\"https://cdn.test/v.mp4\"",
            "[]", "[null]", "[1,2]", "{}", "{\"url\":5}", "{\"media_urls\":[{\"url\":null}]}", "[[[[[\"https://cdn.test/v.mp4\"]]]]]"];
        var random = new Random(20261121);
        for (var i = 0; i < 150; i++)
        {
            var field = fields[random.Next(fields.Length)];
            var value = values[random.Next(values.Length)];
            var body = random.Next(2) == 0 ? $"{{\"{field}\":{value}}}" : $"{{\"code\":1,\"status\":\"success\",\"data\":{{\"{field}\":{value}}}}}";
            using var handler = new StubHandler().Reply(StubResponse.Json(body));
            using var http = new HttpClient(handler);
            var sut = ProviderAdapterFactory.Create(Settings(), http, TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));

            var outcome = await sut.PollAsync(RemoteId, CancellationToken.None);

            (outcome.State is not null || outcome.Error is not null).ShouldBeTrue(body);
            if (outcome.State == RemoteState.Succeeded && !outcome.ResultPending)
            {
                outcome.ResultUrls.ShouldNotBeEmpty(body);
            }
        }
    }

    [Fact]
    public void Name_IsTheProviderName()
    {
        CreateSut().Name.ShouldBe(ProviderName);
    }

    protected void AssertSafeMessage(string message, string caseName)
    {
        message.ShouldNotContain(TestJobs.ApiKey, Case.Sensitive, caseName);
        message.ShouldStartWith(ProviderName, Case.Sensitive, caseName);
        message.ShouldNotContain("\n", Case.Sensitive, caseName);
        message.Length.ShouldBeLessThanOrEqualTo(240, caseName);
    }
}
