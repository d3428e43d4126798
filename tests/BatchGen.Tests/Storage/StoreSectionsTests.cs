using BatchGen.Tests.Manifests;

namespace BatchGen.Tests.Storage;

/// <summary>image_store and output.store read from real manifests.</summary>
public sealed class StoreSectionsTests : IDisposable
{
    private const string Head = """
        version: 1
        defaults: {provider: magnific, prompt: p, image_url: "https://example.com/a.png"}

        """;

    private readonly ManifestHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void OutputStore_Mapping_ReadsEverySetting()
    {
        var manifest = Load(Head + """
            output:
              store: {endpoint: "http://127.0.0.1:9000", bucket: videos, prefix: /night/, region: eu-west-1, public_base_url: "https://cdn.example.com/v"}
              keep_local: false
              link_lifetime: 12h
            """);

        var options = manifest.OutputStore.ShouldNotBeNull();
        options.Store.Bucket.ShouldBe("videos");
        options.Store.Prefix.ShouldBe("night/");
        options.Store.Endpoint.ShouldBe(new Uri("http://127.0.0.1:9000"));
        options.Store.Region.ShouldBe("eu-west-1");
        options.Store.ForcePathStyle.ShouldBeTrue();
        options.Store.PublicBaseUrl.ShouldBe(new Uri("https://cdn.example.com/v"));
        options.KeepLocal.ShouldBeFalse();
        options.LinkLifetime.ShouldBe(TimeSpan.FromHours(12));
    }

    [Fact]
    public void OutputStore_Uri_TakesConnectionFromImageStore()
    {
        var manifest = Load(Head + """
            image_store: {endpoint: "http://127.0.0.1:9000", bucket: images, region: us-west-2}
            output: {store: "s3://videos/out"}
            """);

        manifest.ImageStore!.Bucket.ShouldBe("images");
        var store = manifest.OutputStore!.Store;
        (store.Bucket, store.Prefix, store.Endpoint, store.Region).ShouldBe(("videos", "out/", new Uri("http://127.0.0.1:9000"), "us-west-2"));
        manifest.OutputStore.KeepLocal.ShouldBeTrue();
        manifest.OutputStore.LinkLifetime.ShouldBe(TimeSpan.FromDays(7));
    }

    [Fact]
    public void OutputStore_ImageStoreWord_ReusesImageStore()
    {
        var manifest = Load(Head + """
            image_store: {bucket: shared-bucket, prefix: batch}
            output: {store: image_store}
            """);

        manifest.OutputStore!.Store.ShouldBe(manifest.ImageStore);
        manifest.OutputStore.Store.Endpoint.ShouldBeNull();
        manifest.OutputStore.Store.ForcePathStyle.ShouldBeFalse();
    }

    [Fact]
    public void OutputStore_BadValues_ReportedAtTheirPositions()
    {
        var errors = _harness.Errors(Head + """
            output:
              store: {endpoint: "ftp://x", bucket: Bad_Bucket}
              link_lifetime: 30d
            """);

        errors.ShouldContain(e => e.StartsWith("m.yaml:4:21: output.store.endpoint:", StringComparison.Ordinal), string.Join("\n", errors));
        errors.ShouldContain(e => e.StartsWith("m.yaml:4:40: output.store.bucket:", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("m.yaml:5:18: output.link_lifetime:", StringComparison.Ordinal) && e.Contains("7 days", StringComparison.Ordinal));
    }

    [Fact]
    public void OutputStore_ImageStoreWordWithoutSection_IsAnError()
    {
        var errors = _harness.Errors(Head + "output: {store: image_store}\n");

        errors.ShouldContain(e => e.Contains("output.store: 'image_store' names the image_store section", StringComparison.Ordinal));
    }

    [Fact]
    public void OutputStore_NotAnS3Uri_OneClearError()
    {
        var errors = _harness.Errors(Head + "output: {store: \"https://bucket/x\"}\n");

        errors.ShouldBe(["m.yaml:3:17: output.store: 'https://bucket/x' is not an s3://bucket/prefix URI (nor the word image_store)"]);
    }

    private Core.Manifests.Manifest Load(string yaml)
    {
        var result = _harness.Load(yaml);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        return result.Manifest!;
    }
}
