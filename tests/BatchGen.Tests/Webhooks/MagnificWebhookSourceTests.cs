using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using BatchGen.Core.Webhooks;
using BatchGen.Tests.Providers;

namespace BatchGen.Tests.Webhooks;

/// <summary>The Magnific adapter as the receiver's <see cref="IWebhookSource"/>: verdicts for good, forged and malformed deliveries.</summary>
public sealed class MagnificWebhookSourceTests
{
    private const string Secret = "whsec_YmF0Y2hnZW4tc2ltdWxhdG9yLXdlYmhvb2s=";
    private const string Completed = """{"generated":["https://cdn.example/v.mp4"],"task_id":"t1","status":"COMPLETED"}""";
    private static readonly DateTimeOffset Now = ProviderTestTime.Epoch;

    [Fact]
    public void Check_SignedCompleted_AcceptedWithTheTaskAndUrl()
    {
        var check = Check(CreateSut(), SignedHeaders(Completed), Completed);

        check.Verdict.ShouldBe(WebhookVerdict.Accepted);
        var delivery = check.Delivery.ShouldNotBeNull();
        delivery.Provider.ShouldBe(ProviderNames.Magnific);
        delivery.RemoteId.ShouldBe("t1");
        delivery.Status.ShouldBe("COMPLETED");
        delivery.Outcome.State.ShouldBe(RemoteState.Succeeded);
        delivery.MessageId.ShouldBe("msg_1");
    }

    [Fact]
    public void Check_ForgedSignature_Unauthorized()
    {
        var headers = SignedHeaders(Completed);
        headers["webhook-signature"] = "v1," + Convert.ToBase64String(new byte[32]);

        Check(CreateSut(), headers, Completed).Verdict.ShouldBe(WebhookVerdict.Unauthorized);
    }

    [Fact]
    public void Check_BodyChangedAfterSigning_Unauthorized()
    {
        var headers = SignedHeaders(Completed);

        Check(CreateSut(), headers, Completed.Replace("v.mp4", "evil.mp4", StringComparison.Ordinal)).Verdict.ShouldBe(WebhookVerdict.Unauthorized);
    }

    [Fact]
    public void Check_NoHeaders_Unauthorized()
    {
        Check(CreateSut(), [], Completed).Verdict.ShouldBe(WebhookVerdict.Unauthorized);
    }

    [Fact]
    public void Check_WithoutSecret_RefusesEvenAValidDelivery()
    {
        Check(CreateSut(secret: null), SignedHeaders(Completed), Completed).Verdict.ShouldBe(WebhookVerdict.Unauthorized);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"status":"COMPLETED"}""")]
    [InlineData("""{"task_id":"t1","status":"COMPLETED","generated":[]}""")]
    [InlineData("\u0000\u0001\u0002")]
    public void Check_SignedButNotATaskStatus_Malformed(string body)
    {
        Check(CreateSut(), SignedHeaders(body), body).Verdict.ShouldBe(WebhookVerdict.Malformed);
    }

    private static WebhookCheck Check(IWebhookSource source, Dictionary<string, string> headers, string body) =>
        source.Check(name => headers.GetValueOrDefault(name), Encoding.UTF8.GetBytes(body), Now);

    private static Dictionary<string, string> SignedHeaders(string body)
    {
        var timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"msg_1.{timestamp}.{body}")));
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = signature,
        };
    }

    private static IWebhookSource CreateSut(string? secret = Secret)
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.Magnific];
        return (IWebhookSource)ProviderAdapterFactory.Create(settings, new HttpClient(), TestJobs.ApiKey, new FakeTimeProvider(Now), secret);
    }
}
