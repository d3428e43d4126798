using System.Text;
using System.Text.Json;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers.Http;

public sealed class JsonReadingTests
{
    [Theory]
    [InlineData("\"https://a.test/v.mp4\"")]
    [InlineData("[\"https://a.test/v.mp4\"]")]
    [InlineData("{\"url\":\"https://a.test/v.mp4\"}")]
    [InlineData("[{\"id\":\"1\",\"url\":\"https://a.test/v.mp4\"}]")]
    [InlineData("{\"video\":{\"url\":\"https://a.test/v.mp4\"}}")]
    public void Urls_EveryShape_FindsTheUrl(string json)
    {
        using var document = JsonDocument.Parse(json);

        JsonReading.Urls(document.RootElement).ShouldBe([new Uri("https://a.test/v.mp4")]);
    }

    [Theory]
    [InlineData("\"not a url\"")]
    [InlineData("\"file:///etc/passwd\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Urls_NoHttpUrl_ReturnsEmpty(string json)
    {
        using var document = JsonDocument.Parse(json);

        JsonReading.Urls(document.RootElement).ShouldBeEmpty();
    }

    [Fact]
    public void TryParse_Utf8Bom_Parses()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"a\":1}")).ToArray();

        using var document = JsonReading.TryParse(body);

        document.ShouldNotBeNull().RootElement.Number("a").ShouldBe(1m);
    }

    [Fact]
    public void Text_NumberOrString_ReadsAsText()
    {
        using var document = JsonDocument.Parse("""{"a":{"n":2,"s":"x","nil":null}}""");
        var root = document.RootElement;

        root.Text("a", "n").ShouldBe("2");
        root.Text("a", "s").ShouldBe("x");
        root.Text("a", "nil").ShouldBeNull();
        root.Text("a", "missing", "deeper").ShouldBeNull();
    }
}
