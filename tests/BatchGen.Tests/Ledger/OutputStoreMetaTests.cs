using BatchGen.Core.Storage;

namespace BatchGen.Tests.Ledger;

/// <summary>The output store's meta record (the stored_objects records are in the backend contract suite, <see cref="LedgerContractTests"/>).</summary>
public sealed class OutputStoreMetaTests
{
    [Fact]
    public void OutputStoreMeta_RoundTripsAddressesOnly()
    {
        var options = new OutputStoreOptions(new S3StoreSettings("videos", "night/") { Endpoint = new Uri("http://127.0.0.1:9000/"), Region = "eu-west-1", ForcePathStyle = true })
        {
            KeepLocal = false,
            LinkLifetime = TimeSpan.FromHours(12),
        };

        var json = OutputStoreMeta.ToJson(options);

        OutputStoreMeta.FromJson(json).ShouldBe(options);
        json.ShouldNotContain("secret", Case.Insensitive);
        OutputStoreMeta.FromJson("not json").ShouldBeNull();
    }
}
