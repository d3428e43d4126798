using System.Net;
using BatchGen.Core.Manifests;
using BatchGen.Core.Providers.Configuration;

namespace BatchGen.Tests.Webhooks;

/// <summary>The <c>webhook:</c> section in a manifest and in a providers file.</summary>
public sealed class WebhookConfigTests : IDisposable
{
    private const string Jobs = "version: 1\nname: hooks\ndefaults:\n  provider: magnific\n  prompt: p\n  image_url: https://example.com/a.png\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_ManifestSection_ReadsListenAndPublicUrl()
    {
        var manifest = Load(Jobs + "webhook: {listen: \"127.0.0.1:8787\", public_url: \"https://example.com/hooks\"}\n");

        var webhook = manifest.ShouldNotBeNull().Webhook.ShouldNotBeNull();
        webhook.Listen.ShouldBe(new IPEndPoint(IPAddress.Loopback, 8787));
        webhook.PublicUrl.ShouldBe(new Uri("https://example.com/hooks"));
    }

    [Fact]
    public void Load_NoSection_NoWebhooks()
    {
        Load(Jobs).ShouldNotBeNull().Webhook.ShouldBeNull();
    }

    [Fact]
    public void Load_ProvidersFileSection_ManifestOverridesFieldByField()
    {
        var providers = _dir.Write("providers.yaml", "webhook:\n  listen: 0.0.0.0:9000\n  public_url: https://a.example/hooks\nproviders:\n  magnific: {concurrency: 2}\n");

        var manifest = Load(Jobs + "webhook: {public_url: \"https://b.example/cb\"}\n", providers).ShouldNotBeNull();

        manifest.Webhook.ShouldNotBeNull().Listen.ShouldBe(new IPEndPoint(IPAddress.Any, 9000));
        manifest.Webhook.PublicUrl.ShouldBe(new Uri("https://b.example/cb"));
        manifest.Providers["magnific"].Concurrency.ShouldBe(2);
    }

    [Fact]
    public void Load_BadListenAndUnknownKey_LocatedErrors()
    {
        var path = _dir.Write("bad.yaml", Jobs + "webhook:\n  listen: nowhere\n  public_ur: https://example.com/hooks\n");

        var result = ManifestLoader.Load(path, new ManifestLoadOptions());

        result.Manifest.ShouldBeNull();
        result.Errors.ShouldContain(e => e.Field == "webhook.listen" && e.Line == 8 && e.Message.Contains("host:port", StringComparison.Ordinal));
        result.Errors.ShouldContain(e => e.Message.Contains("public_ur", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1:8787", true)]
    [InlineData("localhost:0", true)]
    [InlineData("[::1]:8787", true)]
    [InlineData("8787", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("example.com:80", false)]
    public void ParseListen_HostPort(string text, bool valid)
    {
        (WebhookConfigReader.ParseListen(text) is not null).ShouldBe(valid);
    }

    [Fact]
    public void CallbackUrl_AppendsTheProvider()
    {
        Core.Webhooks.WebhookSettings.CallbackUrl(new Uri("https://example.com/hooks/"), "magnific").ShouldBe(new Uri("https://example.com/hooks/magnific"));
        Core.Webhooks.WebhookSettings.CallbackUrl(new Uri("https://example.com/hooks?k=1"), "magnific").ShouldBe(new Uri("https://example.com/hooks/magnific?k=1"));
    }

    private Manifest? Load(string yaml, string? providersFile = null)
    {
        var path = _dir.Write("m.yaml", yaml);
        var result = ManifestLoader.Load(path, new ManifestLoadOptions { ProvidersFile = providersFile });
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors.Select(e => e.ToString())));
        return result.Manifest;
    }
}
