using BatchGen.Core.Images;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Tests.Ledger;

namespace BatchGen.Tests.Images;

public sealed class ImageUploadsTests : LedgerTestBase
{
    private static readonly TimeSpan Validity = TimeSpan.FromMinutes(30);

    private readonly CountingUploader _uploader = new("pixwith");
    private readonly CountingUploader _store = new("image_store");

    private LocalImage WriteImage(string name, byte shade)
    {
        var bytes = TestImages.Png(8, 8, shade);
        var path = WriteFile(name, string.Empty);
        File.WriteAllBytes(path, bytes);
        return new LocalImage
        {
            Path = path,
            Display = name,
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            Bytes = bytes.Length,
            Info = ImageDecoder.Decode(bytes, out _),
        };
    }

    private ImageUploads CreateUploads(SqliteLedger ledger) =>
        new(ledger, new Dictionary<string, IImageUploader> { ["pixwith"] = _uploader, ["segmind"] = _store, ["gmicloud"] = _store }, Time);

    [Fact]
    public async Task UrlAsync_ManyJobsSameImage_UploadedOncePerScope()
    {
        await using var ledger = await CreateSut();
        var uploads = CreateUploads(ledger);
        var image = WriteImage("a.png", 1);
        string[] providers = ["pixwith", "segmind", "gmicloud"];

        var urls = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => uploads.UrlAsync(providers[i % 3], image, Validity, default)));

        urls.ShouldAllBe(u => u.Error == null);
        _uploader.Calls.ShouldBe(1, "one Pixwith upload per content hash");
        _store.Calls.ShouldBe(1, "one object in the image store per content hash, whichever providers fetch it");
        (await ledger.ReadUploadsAsync(default).ToListAsync()).Select(u => u.Provider).Order().ShouldBe(["image_store", "pixwith"]);
    }

    [Fact]
    public async Task UrlAsync_Resume_UsesTheRecordedUpload()
    {
        var image = WriteImage("a.png", 1);
        await using (var first = await CreateSut())
        {
            (await CreateUploads(first).UrlAsync("pixwith", image, Validity, default)).Error.ShouldBeNull();
        }

        await using var second = await CreateSut();
        var (url, error) = await CreateUploads(second).UrlAsync("pixwith", image, Validity, default);

        error.ShouldBeNull();
        url.ShouldBe("https://cdn.test/1/" + image.Sha256);
        _uploader.Calls.ShouldBe(1, "a resume never uploads again");
    }

    [Fact]
    public async Task UrlAsync_RecordedUrlExpiresBeforeTheTaskCouldRun_UploadsAgain()
    {
        await using var ledger = await CreateSut();
        var image = WriteImage("a.png", 1);
        await CreateUploads(ledger).UrlAsync("pixwith", image, Validity, default);

        Time.Advance(CountingUploader.Lifetime - Validity + TimeSpan.FromSeconds(1));
        var (url, _) = await CreateUploads(ledger).UrlAsync("pixwith", image, Validity, default);

        _uploader.Calls.ShouldBe(2);
        url.ShouldBe("https://cdn.test/2/" + image.Sha256);
    }

    [Fact]
    public async Task UrlAsync_PendingTransferThatArrived_UsedWithoutUploading()
    {
        await using var ledger = await CreateSut();
        var image = WriteImage("a.png", 1);
        // What a run killed between the transfer and its record leaves: the write-ahead intent only.
        await ledger.RecordUploadAsync(new UploadRecord(image.Sha256, "pixwith", "https://cdn.test/0/x", image.Bytes, Start + TimeSpan.FromHours(24)) { Pending = true }, default);

        var (url, error) = await CreateUploads(ledger).UrlAsync("pixwith", image, Validity, default);

        error.ShouldBeNull();
        url.ShouldBe("https://cdn.test/0/x");
        _uploader.Calls.ShouldBe(0);
        (await ledger.ReadUploadsAsync(default).ToListAsync())[^1].Pending.ShouldBeFalse();
    }

    [Fact]
    public async Task UrlAsync_FileEditedSinceLoad_PermanentErrorNoUpload()
    {
        await using var ledger = await CreateSut();
        var image = WriteImage("a.png", 1);
        await File.WriteAllBytesAsync(image.Path, TestImages.Png(8, 8, 2));

        var (url, error) = await CreateUploads(ledger).UrlAsync("pixwith", image, Validity, default);

        url.ShouldBeNull();
        error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Permanent);
        error.Message.ShouldContain("has changed since the manifest was read");
        _uploader.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task UrlAsync_UploadFails_NothingRecordedNextCallTriesAgain()
    {
        await using var ledger = await CreateSut();
        var image = WriteImage("a.png", 1);
        var uploads = CreateUploads(ledger);
        _uploader.FailNext = true;

        (await uploads.UrlAsync("pixwith", image, Validity, default)).Error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Retryable);
        (await ledger.ReadUploadsAsync(default).ToListAsync()).ShouldBeEmpty();
        (await uploads.UrlAsync("pixwith", image, Validity, default)).Error.ShouldBeNull();

        _uploader.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task UrlAsync_ProviderWithoutUploader_PermanentError()
    {
        await using var ledger = await CreateSut();

        var (_, error) = await CreateUploads(ledger).UrlAsync("magnific", WriteImage("a.png", 1), Validity, default);

        error.ShouldNotBeNull().Message.ShouldContain("set image_store");
    }

    /// <summary>Counts uploads; each gives a URL naming its call number, valid for <see cref="Lifetime"/>.</summary>
    private sealed class CountingUploader(string scope) : IImageUploader
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool FailNext { get; set; }

        public string Scope => scope;

        public Task<bool> ArrivedAsync(UploadRecord upload, CancellationToken cancellationToken) => Task.FromResult(true);

        public async Task<ImageUploadOutcome> UploadAsync(LocalImage image, ReadOnlyMemory<byte> bytes, Func<ImageUploadOutcome, Task> beforeTransfer, CancellationToken cancellationToken)
        {
            await Task.Yield();
            var n = Interlocked.Increment(ref _calls);
            if (FailNext)
            {
                FailNext = false;
                return ImageUploadOutcome.Failed(new ProviderError(ErrorClass.Retryable, "storage said 503") { Code = "image_upload" });
            }

            return new ImageUploadOutcome($"https://cdn.test/{n}/{image.Sha256}", Start + Lifetime, null);
        }

        public string UrlFor(UploadRecord upload, TimeSpan validFor) => upload.Url;
    }
}
