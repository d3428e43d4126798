using System.Security.Cryptography;
using Amazon.S3.Model;
using BatchGen.Core.Storage;

namespace BatchGen.Tests.Storage;

/// <summary>The object store wrapper against a real s3rver on loopback.</summary>
public sealed class S3ObjectStoreTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private S3rverProcess _server = null!;

    public async Task InitializeAsync() => _server = await S3rverProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PutFileAsync_SmallFile_StoresBytesWithSha256Metadata()
    {
        var (path, sha) = WriteRandom("clip.mp4", 200_000);
        using var store = _server.CreateStore("batch/");

        var stored = await store.PutFileAsync(path, store.KeyFor("clip.mp4"), sha, CancellationToken.None);

        stored.Key.ShouldBe("batch/clip.mp4");
        stored.Bytes.ShouldBe(200_000);
        stored.Sha256.ShouldBe(sha);
        (await DownloadShaAsync("batch/clip.mp4")).ShouldBe(sha);
        _server.StoredCount("batch/clip.mp4").ShouldBe(1);
    }

    [Fact]
    public async Task PutFileAsync_AboveThreshold_UploadsInPartsAndMatches()
    {
        var (path, sha) = WriteRandom("big.mp4", (11 * 1024 * 1024) + 123);
        var transfer = new S3TransferOptions { MultipartThreshold = 5 * 1024 * 1024, PartSize = 5 * 1024 * 1024 };
        using var store = _server.CreateStore("p", transfer: transfer);

        var stored = await store.PutFileAsync(path, store.KeyFor("big.mp4"), sha, CancellationToken.None);

        stored.Bytes.ShouldBe((11 * 1024 * 1024) + 123);
        (await store.HeadAsync("p/big.mp4", CancellationToken.None))!.Sha256.ShouldBe(sha);
        (await DownloadShaAsync("p/big.mp4")).ShouldBe(sha);
        _server.RecentOutput.ShouldContain("uploadId", Case.Insensitive);
    }

    [Fact]
    public async Task PutFileAsync_FileChangedSinceVerified_RefusesWithoutUploading()
    {
        var (path, _) = WriteRandom("changed.mp4", 1000);
        using var store = _server.CreateStore();

        var error = await Should.ThrowAsync<StorageException>(() => store.PutFileAsync(path, "changed.mp4", new string('0', 64), CancellationToken.None));

        error.Message.ShouldContain("not the 0000");
        _server.StoredCount("changed.mp4").ShouldBe(0);
    }

    [Fact]
    public async Task HeadAsync_MissingKey_ReturnsNull()
    {
        using var store = _server.CreateStore();

        (await store.HeadAsync("nothing/here.mp4", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task PresignGet_LinkServesTheObjectToAPlainHttpClient()
    {
        var (path, sha) = WriteRandom("linked.mp4", 4096);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var store = _server.CreateStore(time: time);
        await store.PutFileAsync(path, "linked.mp4", sha, CancellationToken.None);

        var link = store.PresignGet("linked.mp4", TimeSpan.FromHours(2));

        // The SDK counts the lifetime from its own clock (corrected by the server's Date header, whole seconds): 7200 s give or take a few.
        var expires = System.Web.HttpUtility.ParseQueryString(link.Query)["X-Amz-Expires"];
        int.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(7180, 7220);
        link.Scheme.ShouldBe("http");
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(link);
        Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(sha);
    }

    [Fact]
    public void LinkFor_PublicBaseUrl_IsBasePlusEscapedKey()
    {
        var settings = _server.Settings("out") with { PublicBaseUrl = new Uri("https://cdn.example.com/videos/") };
        using var store = new S3ObjectStore(settings, TimeProvider.System, S3rverProcess.Credentials);

        store.LinkFor("out/a b/c.mp4", TimeSpan.FromHours(1)).AbsoluteUri.ShouldBe("https://cdn.example.com/videos/out/a%20b/c.mp4");
    }

    [Fact]
    public async Task PutFileAsync_MissingBucket_OneLineErrorNamingBucket()
    {
        var (path, sha) = WriteRandom("x.mp4", 100);
        using var store = new S3ObjectStore(new S3StoreSettings("no-such-bucket", string.Empty) { Endpoint = _server.Endpoint, ForcePathStyle = true }, TimeProvider.System, S3rverProcess.Credentials);

        var error = await Should.ThrowAsync<StorageException>(() => store.PutFileAsync(path, "x.mp4", sha, CancellationToken.None));

        error.Message.ShouldStartWith("s3://no-such-bucket/x.mp4 at http://127.0.0.1:");
        error.Message.ShouldContain("NoSuchBucket");
        error.Message.ShouldNotContain("\n");
        error.Message.ShouldNotContain(S3rverProcess.SecretKey);
    }

    [Fact]
    public async Task PutFileAsync_ServerStopped_UnreachableError()
    {
        var (path, sha) = WriteRandom("y.mp4", 100);
        using var store = _server.CreateStore();
        await _server.StopAsync();

        var error = await Should.ThrowAsync<StorageException>(() => store.PutFileAsync(path, "y.mp4", sha, CancellationToken.None));

        error.Unreachable.ShouldBeTrue();
        error.Message.ShouldContain("cannot reach the object store");
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public async Task CheckBucketAsync_BucketThere_NullAndNothingWritten()
    {
        using var store = _server.CreateStore("night");

        (await store.CheckBucketAsync(CancellationToken.None)).ShouldBeNull();

        _server.StoredCounts().ShouldBeEmpty();
    }

    [Fact]
    public async Task CheckBucketAsync_UnknownAccessKey_WarningNotError()
    {
        using var store = new S3ObjectStore(_server.Settings("night"), TimeProvider.System, new Amazon.Runtime.BasicAWSCredentials("NOT-A-KEY", "wrong-secret"));

        var warning = await store.CheckBucketAsync(CancellationToken.None);

        warning.ShouldNotBeNull().ShouldContain("HTTP 403");
        warning.ShouldNotContain("wrong-secret");
    }

    [Fact]
    public async Task CheckBucketAsync_MissingBucket_ErrorNamingIt()
    {
        using var store = new S3ObjectStore(new S3StoreSettings("no-such-bucket", string.Empty) { Endpoint = _server.Endpoint, ForcePathStyle = true }, TimeProvider.System, S3rverProcess.Credentials);

        var error = await Should.ThrowAsync<StorageException>(() => store.CheckBucketAsync(CancellationToken.None));

        error.Message.ShouldStartWith("s3://no-such-bucket/ at http://127.0.0.1:");
        error.Message.ShouldContain("the bucket does not exist");
        error.Unreachable.ShouldBeFalse();
    }

    [Fact]
    public async Task CheckBucketAsync_ServerStopped_UnreachableError()
    {
        using var store = _server.CreateStore();
        await _server.StopAsync();

        var error = await Should.ThrowAsync<StorageException>(() => store.CheckBucketAsync(CancellationToken.None));

        error.Unreachable.ShouldBeTrue();
        error.Message.ShouldContain("checking the bucket failed: cannot reach the object store");
    }

    [Fact]
    public async Task Fixture_RestartKeepsBucketAndObjects()
    {
        var (path, sha) = WriteRandom("kept.mp4", 1234);
        using var store = _server.CreateStore();
        await store.PutFileAsync(path, "kept.mp4", sha, CancellationToken.None);

        await _server.RestartAsync();

        (await store.HeadAsync("kept.mp4", CancellationToken.None))!.Matches(1234, sha).ShouldBeTrue();
    }

    private (string Path, string Sha256) WriteRandom(string name, int bytes)
    {
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllBytes(path, data);
        return (path, Convert.ToHexStringLower(SHA256.HashData(data)));
    }

    private async Task<string> DownloadShaAsync(string key)
    {
        using var client = _server.CreateClient();
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = _server.Bucket, Key = key });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
