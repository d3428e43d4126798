using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Magnific;

namespace BatchGen.Tests.Providers;

public sealed class MagnificWebhookTests
{
    private const string Body = """{"task_id":"t1","status":"COMPLETED","generated":["https://ai-statics.freepik.com/v.mp4"]}""";
    private static readonly DateTimeOffset Now = ProviderTestTime.Epoch;
    private static readonly string Timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_RawUtf8Secret_Accepts()
    {
        var signature = Sign(Encoding.UTF8.GetBytes("my-secret"), "msg_1", Timestamp, Body);

        Verify("my-secret", "msg_1", Timestamp, Body, signature).ShouldBeTrue();
    }

    [Fact]
    public void Verify_WhsecBase64Secret_Accepts()
    {
        var key = "0123456789abcdef0123456789abcdef"u8.ToArray();
        var secret = "whsec_" + Convert.ToBase64String(key);
        var signature = Sign(key, "msg_1", Timestamp, Body);

        Verify(secret, "msg_1", Timestamp, Body, signature).ShouldBeTrue();
    }

    [Fact]
    public void Verify_OneOfSeveralSignatures_Accepts()
    {
        var signature = "v1,AAAA " + Sign(Encoding.UTF8.GetBytes("s"), "msg_1", Timestamp, Body);

        Verify("s", "msg_1", Timestamp, Body, signature).ShouldBeTrue();
    }

    [Fact]
    public void Verify_TamperedBody_Rejects()
    {
        var signature = Sign(Encoding.UTF8.GetBytes("s"), "msg_1", Timestamp, Body);

        Verify("s", "msg_1", Timestamp, Body.Replace("COMPLETED", "FAILED", StringComparison.Ordinal), signature).ShouldBeFalse();
    }

    [Fact]
    public void Verify_WrongSecret_Rejects()
    {
        var signature = Sign(Encoding.UTF8.GetBytes("s"), "msg_1", Timestamp, Body);

        Verify("other", "msg_1", Timestamp, Body, signature).ShouldBeFalse();
    }

    [Fact]
    public void Verify_OldTimestamp_Rejects()
    {
        var old = Now.AddMinutes(-10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Sign(Encoding.UTF8.GetBytes("s"), "msg_1", old, Body);

        Verify("s", "msg_1", old, Body, signature).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null, "1", "v1,x")]
    [InlineData("id", null, "v1,x")]
    [InlineData("id", "abc", "v1,x")]
    [InlineData("id", "1", null)]
    [InlineData("id", "1", "v1,not-base64!")]
    public void Verify_MissingOrGarbledHeaders_Rejects(string? id, string? timestamp, string? signature)
    {
        Verify("s", id, timestamp, Body, signature).ShouldBeFalse();
    }

    [Fact]
    public void ParseWebhook_CompletedBody_ReturnsTaskAndUrl()
    {
        var adapter = CreateAdapter();

        var parsed = adapter.ParseWebhook(Encoding.UTF8.GetBytes(Body)).ShouldNotBeNull();

        parsed.RemoteId.ShouldBe("t1");
        parsed.Outcome.State.ShouldBe(RemoteState.Succeeded);
        parsed.Outcome.ResultUrls.ShouldHaveSingleItem().ToString().ShouldBe("https://ai-statics.freepik.com/v.mp4");
    }

    [Fact]
    public void ParseWebhook_FailedBody_IsPermanentFailure()
    {
        var parsed = CreateAdapter().ParseWebhook("""{"task_id":"t2","status":"FAILED","generated":[]}"""u8.ToArray()).ShouldNotBeNull();

        parsed.Outcome.State.ShouldBe(RemoteState.Failed);
        parsed.Outcome.Error!.Class.ShouldBe(ErrorClass.Permanent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"status":"COMPLETED"}""")]
    public void ParseWebhook_NotATask_ReturnsNull(string body)
    {
        CreateAdapter().ParseWebhook(Encoding.UTF8.GetBytes(body)).ShouldBeNull();
    }

    private static bool Verify(string secret, string? id, string? timestamp, string body, string? signature) =>
        MagnificWebhook.Verify(secret, id, timestamp, Encoding.UTF8.GetBytes(body), signature, Now, MagnificWebhook.DefaultTolerance);

    private static string Sign(byte[] key, string id, string timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    private static MagnificAdapter CreateAdapter()
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.Magnific];
        return (MagnificAdapter)ProviderAdapterFactory.Create(settings, new HttpClient(), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));
    }
}
