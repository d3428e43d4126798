using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Cli.Webhooks;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchGen.Tests.Webhooks;

/// <summary>The receiver on a real loopback port with the Magnific adapter and a real ledger.</summary>
public sealed class WebhookReceiverTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "whsec_YmF0Y2hnZW4tc2ltdWxhdG9yLXdlYmhvb2s=";
    private const string Body = """{"generated":["https://cdn.example/v.mp4"],"task_id":"t1","status":"COMPLETED"}""";
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private SqliteLedger _ledger = null!;
    private WebhookInbox _inbox = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _ledger = await SqliteLedger.OpenAsync(Path.Combine(_dir.Path, "ledger.db"), TimeProvider.System, CancellationToken.None);
        _inbox = new WebhookInbox(_ledger, NullLogger.Instance);
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.Magnific];
        _inbox.Register((IWebhookSource)ProviderAdapterFactory.Create(settings, _http, "key", TimeProvider.System, Secret));
        _receiver = await WebhookReceiver.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), _inbox, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _ledger.DisposeAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Post_SignedDelivery_RecordedThenAcknowledged()
    {
        using var watch = _inbox.Watch(ProviderNames.Magnific, "t1", "job-1");

        (await PostAsync("hooks/magnific", Body, signed: true)).ShouldBe(HttpStatusCode.OK);

        watch.Finished.IsCompletedSuccessfully.ShouldBeTrue("the delivery was handed over before the reply");
        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task Post_PrefixStrippedByAProxy_StillRoutedByProvider()
    {
        (await PostAsync("magnific", Body, signed: true)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Post_Unsigned_401AndNothingRecorded()
    {
        (await PostAsync("hooks/magnific", Body, signed: false)).ShouldBe(HttpStatusCode.Unauthorized);

        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task Post_UnknownProvider_404()
    {
        (await PostAsync("hooks/gmicloud", Body, signed: true)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_RefusedAndTheReceiverKeepsWorking()
    {
        var huge = new string('x', WebhookReceiver.MaxBodyBytes + 1);

        (await PostAsync("hooks/magnific", huge, signed: true)).ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await PostAsync("hooks/magnific", Body, signed: true)).ShouldBe(HttpStatusCode.OK);
    }

    private async Task<HttpStatusCode> PostAsync(string path, string body, bool signed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(_receiver.Address.GetLeftPart(UriPartial.Authority)), path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signed)
        {
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var key = Convert.FromBase64String(Secret["whsec_".Length..]);
            request.Headers.Add("webhook-id", "msg_1");
            request.Headers.Add("webhook-timestamp", timestamp);
            request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"msg_1.{timestamp}.{body}"))));
        }

        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }
}
