using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

/// <summary>Segmind with <c>mode: sync</c>: the v1 call returns the video itself.</summary>
public sealed class SegmindSyncAdapterTests : IDisposable
{
    private static readonly byte[] Video = [0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];

    private readonly StubHandler handler = new();

    [Fact]
    public async Task SubmitAsync_VideoBody_ReturnsInlineVideoAndSucceeded()
    {
        handler.Reply(StubResponse.Bytes(Video, "video/mp4", ("x-remaining-credits", "99")));
        var job = TestJobs.Job(ProviderNames.Segmind);

        var outcome = await CreateSut().SubmitAsync(job, CancellationToken.None);

        outcome.IsSuccess.ShouldBeTrue();
        outcome.RemoteId.ShouldBeNull();
        outcome.State.ShouldBe(RemoteState.Succeeded);
        outcome.InlineVideo!.Value.ToArray().ShouldBe(Video);
        outcome.RemainingCredits.ShouldBe(99m);
        var request = handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://provider.test/v1/pixverse-5-video"));
        request.Header("Idempotency-Key").ShouldBe(job.Id);
        request.Header("x-api-key").ShouldBe(TestJobs.ApiKey);
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("quality").GetString().ShouldBe("720p");
    }

    [Fact]
    public async Task SubmitAsync_JsonInsteadOfVideo_IsPermanentAndMaybeCharged()
    {
        handler.Reply(StubResponse.Json("""{"error":"Generation failed"}"""));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Class.ShouldBe(ErrorClass.Permanent);
        error.MayHaveBeenAccepted.ShouldBeTrue();
        error.Message.ShouldContain("Generation failed");
        outcome.InlineVideo.ShouldBeNull();
    }

    [Fact]
    public async Task SubmitAsync_HtmlPageWith200_IsNotTakenForAVideo()
    {
        handler.Reply(StubResponse.Text("<html>maintenance</html>", HttpStatusCode.OK));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        outcome.Error.ShouldNotBeNull().Message.ShouldContain("text/html instead of a video");
        outcome.InlineVideo.ShouldBeNull();
    }

    [Fact]
    public async Task SubmitAsync_UntypedJsonBody_IsNotTakenForAVideo()
    {
        handler.Reply(new StubResponse(HttpStatusCode.OK, "{\"error\":\"Timeout\"}"u8.ToArray(), null, new Dictionary<string, string>()));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        outcome.Error.ShouldNotBeNull().Message.ShouldContain("Timeout");
    }

    [Fact]
    public async Task SubmitAsync_OctetStream_IsAccepted()
    {
        handler.Reply(StubResponse.Bytes(Video, "application/octet-stream"));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        outcome.InlineVideo.ShouldNotBeNull().Length.ShouldBe(Video.Length);
    }

    [Fact]
    public async Task SubmitAsync_InsufficientCredits406_IsAccountLevel()
    {
        handler.Reply(StubResponse.Json("""{"error":"Insufficient Credits"}""", HttpStatusCode.NotAcceptable));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        outcome.Error!.Class.ShouldBe(ErrorClass.Account);
        outcome.Error.Code.ShouldBe("credits");
        outcome.Error.Message.ShouldNotContain(TestJobs.ApiKey);
    }

    [Fact]
    public async Task SubmitAsync_ServerError_IsRetryableAndMaybeAccepted()
    {
        handler.Reply(StubResponse.Json("""{"error":"Internal server error"}""", HttpStatusCode.InternalServerError));

        var outcome = await CreateSut().SubmitAsync(TestJobs.Job(ProviderNames.Segmind), CancellationToken.None);

        outcome.Error!.Class.ShouldBe(ErrorClass.Retryable);
        outcome.Error.MayHaveBeenAccepted.ShouldBeTrue();
    }

    public void Dispose() => handler.Dispose();

    private IProviderAdapter CreateSut()
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.Segmind];
        settings.BaseUrl = new Uri("http://provider.test");
        settings.Mode = ProviderModes.Sync;
        return ProviderAdapterFactory.Create(settings, new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));
    }
}
