using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using BatchGen.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BatchGen.Tests.Simulator;

public sealed class MagnificWebhooksTests
{
    private sealed record Delivery(string Id, string Timestamp, string Signature, string Body);

    [Fact]
    public async Task Submit_WithLoopbackWebhook_PostsEachStatusSignedStandardWebhooksStyle()
    {
        var received = Channel.CreateBounded<Delivery>(10);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            await received.Writer.WriteAsync(new Delivery(
                http.Request.Headers["webhook-id"].ToString(),
                http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(),
                body));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var hook = receiver.Urls.First() + "/hook";

        await using var sim = await SimTestHost.StartAsync(manualClock: false);
        var (status, created, _) = await sim.PostAsync(
            "/magnific/v1/ai/image-to-video/pixverse-v5-5",
            new { prompt = "p", image_url = "https://example.com/a.png", webhook_url = hook },
            ("x-magnific-api-key", "k"));
        status.ShouldBe(200);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a hang detector, generous for a loaded machine
        var deliveries = new List<Delivery>();
        while (deliveries.Count < 3)
        {
            deliveries.Add(await received.Reader.ReadAsync(timeout.Token));
        }

        var secret = Convert.FromBase64String(new ProviderScenario().WebhookSecret["whsec_".Length..]);
        var statuses = new List<string>();
        foreach (var d in deliveries)
        {
            var expected = Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{d.Id}.{d.Timestamp}.{d.Body}")));
            d.Signature.ShouldBe("v1," + expected);
            var json = JsonNode.Parse(d.Body)!;
            json["data"].ShouldBeNull();
            json["task_id"]!.GetValue<string>().ShouldBe(created!["data"]!["task_id"]!.GetValue<string>());
            statuses.Add(json["status"]!.GetValue<string>());
        }

        statuses.ShouldBe(["CREATED", "IN_PROGRESS", "COMPLETED"]);
        JsonNode.Parse(deliveries[2].Body)!["generated"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public void SecretBytes_PrefixedSecretIsBase64Decoded_OtherwiseUtf8()
    {
        MagnificWebhooks.SecretBytes("whsec_AQID").ShouldBe(new byte[] { 1, 2, 3 });
        MagnificWebhooks.SecretBytes("plain").ShouldBe(Encoding.UTF8.GetBytes("plain"));
    }
}
