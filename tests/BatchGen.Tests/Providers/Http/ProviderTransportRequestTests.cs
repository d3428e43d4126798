using System.Text;
using System.Text.Json.Nodes;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers.Http;

public sealed class ProviderTransportRequestTests
{
    [Fact]
    public async Task JsonRequest_Body_SameBytesAndContentTypeAsTheStringItReplaced()
    {
        var body = new JsonObject
        {
            ["prompt"] = "a lighthouse at dawn, \"quoted\", <tag> & ünïcödé 🌅",
            ["duration"] = 5,
            ["nested"] = new JsonObject { ["list"] = new JsonArray(1, 2.5, "x") },
        };

        using var request = ProviderTransport.JsonRequest(HttpMethod.Post, new Uri("http://127.0.0.1/v2/video"), body, "job-1");

        var sent = await request.Content!.ReadAsByteArrayAsync();
        sent.ShouldBe(Encoding.UTF8.GetBytes(body.ToJsonString()));
        request.Content.Headers.ContentType!.ToString().ShouldBe("application/json; charset=utf-8");
        request.Headers.Accept.ToString().ShouldBe("application/json");
        request.Headers.GetValues(ProviderTransport.IdempotencyKeyHeader).ShouldBe(["job-1"]);
    }

    [Fact]
    public void JsonRequest_NoBody_NoContentAndJsonAccepted()
    {
        using var request = ProviderTransport.JsonRequest(HttpMethod.Get, new Uri("http://127.0.0.1/v2/video?generation_id=a"), null, null);

        request.Content.ShouldBeNull();
        request.Headers.Accept.Single().MediaType.ShouldBe("application/json");
        request.Headers.Contains(ProviderTransport.IdempotencyKeyHeader).ShouldBeFalse();
    }
}
