using System.Text;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers.Http;

public sealed class ErrorBodiesTests
{
    [Theory]
    [InlineData("""{"message":"Invalid API key"}""", "Invalid API key")]
    [InlineData("""{"message":"Body validation error!","path":"/v2/video/generations","requestId":"x","statusCode":400,"timestamp":"t"}""", "Body validation error!")]
    [InlineData("""{"error":"Insufficient Credits"}""", "Insufficient Credits")]
    [InlineData("""{"error":{"name":"E","message":"bad image"}}""", "bad image")]
    [InlineData("""{"detail":"nope"}""", "nope")]
    [InlineData("""{"code":0,"message":"Credits not enough","data":{}}""", "Credits not enough")]
    [InlineData("""{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"duration","reason":"bad"}]}""",
        "Your request parameters didn't validate. (duration: bad)")]
    [InlineData("""{"problem":{"message":"m","invalid_params":[{"name":"a","reason":"r1"},{"name":"b","reason":"r2"}]}}""", "m (a: r1; b: r2)")]
    [InlineData("""{"invalid_params":[{"name":"seed","reason":"too big"}]}""", "seed: too big")]
    [InlineData("""{"message":"Body validation error!","statusCode":400,"errors":[{"path":"duration","message":"Expected 5 | 8 | 10"}]}""",
        "Body validation error! (duration: Expected 5 | 8 | 10)")]
    [InlineData("\"plain string\"", "plain string")]
    public void Message_DocumentedShape_ReturnsMessage(string body, string expected)
    {
        ErrorBodies.Message(Encoding.UTF8.GetBytes(body)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>502</html>")]
    [InlineData("""{"status":"x"}""")]
    [InlineData("[1,2]")]
    public void Message_NoMessage_ReturnsNull(string body)
    {
        ErrorBodies.Message(Encoding.UTF8.GetBytes(body)).ShouldBeNull();
    }
}
