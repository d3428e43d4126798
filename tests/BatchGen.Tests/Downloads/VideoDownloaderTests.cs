using System.Security.Cryptography;
using BatchGen.Core.Downloads;
using BatchGen.Core.Media;

namespace BatchGen.Tests.Downloads;

public sealed class VideoDownloaderTests : IAsyncLifetime, IDisposable
{
    private static readonly ExpectedVideo Expected = new(5, 1280, 720);
    private static readonly byte[] Video = TestMp4.Build(5.2, 1280, 720);
    private static readonly VideoFacts Facts = new(1280, 720, 5.2, "avc1");
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private TestVideoServer _server = null!;

    private string Final => Path.Combine(_temp.Path, "videos", "cat.mp4");

    public async Task InitializeAsync()
    {
        _server = await TestVideoServer.StartAsync();
        _server.Add("cat", Video);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task DownloadAsync_ValidVideo_SavesVerifiedFileWithSha256()
    {
        var outcome = await DownloadAsync("video/cat");

        outcome.ShouldBe(new DownloadOutcome { Success = true, RelativePath = "videos/cat.mp4", Bytes = Video.Length, Sha256 = Sha(Video), Video = Facts, Stamp = FileStamp.Read(Final) });
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
        File.Exists(Final + ".part").ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_ExistingPart_ResumesWithRangeRequest()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Final)!);
        await File.WriteAllBytesAsync(Final + ".part", Video.AsSpan(0, 1000).ToArray());

        var outcome = await DownloadAsync("video/cat");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Sha256.ShouldBe(Sha(Video));
        _server.Requests.ShouldBe(["/video/cat bytes=1000-"]);
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
    }

    [Fact]
    public async Task DownloadAsync_BodyCutMidway_ResumesTheRestAndVerifies()
    {
        _server.Add("cut", Video);

        var outcome = await DownloadAsync("cut/cut");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Sha256.ShouldBe(Sha(Video));
        var requests = _server.Requests.ToList();
        requests.Count.ShouldBe(2);
        requests[0].ShouldBe("/cut/cut");
        requests[1].ShouldStartWith("/cut/cut bytes=");
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
    }

    [Fact]
    public async Task DownloadAsync_ContentLengthNeverReached_TruncatedRetryableAndPartKept()
    {
        _server.Add("short", Video);

        var outcome = await DownloadAsync("short/short");

        outcome.Success.ShouldBeFalse();
        outcome.Failure.ShouldBe(DownloadFailureKind.Truncated);
        outcome.Retryable.ShouldBeTrue();
        outcome.Message.ShouldNotBeNull().ShouldStartWith("videos/cat.mp4: body ended early 4 times");
        _server.Requests.Count.ShouldBe(1 + VideoDownloader.MaxResumes);
        File.Exists(Final + ".part").ShouldBeTrue();
        File.Exists(Final).ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_PartAlreadyComplete_FinishesWithoutBody()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Final)!);
        await File.WriteAllBytesAsync(Final + ".part", Video);

        var outcome = await DownloadAsync("video/cat");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Sha256.ShouldBe(Sha(Video));
        _server.Requests.ShouldBe([$"/video/cat bytes={Video.Length}-"]);
    }

    [Fact]
    public async Task DownloadAsync_PartLongerThanFile_StartsOver()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Final)!);
        await File.WriteAllBytesAsync(Final + ".part", new byte[Video.Length + 10]);

        var outcome = await DownloadAsync("video/cat");

        outcome.Success.ShouldBeTrue(outcome.Message);
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
        _server.Requests.ShouldBe([$"/video/cat bytes={Video.Length + 10}-", "/video/cat"]);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task DownloadAsync_GoneUrl_ReturnsExpired(int status)
    {
        var outcome = await DownloadAsync($"status/{status}");

        outcome.Failure.ShouldBe(DownloadFailureKind.Expired);
        outcome.HttpStatus.ShouldBe(status);
        outcome.Retryable.ShouldBeFalse();
        outcome.Message.ShouldBe($"videos/cat.mp4: result URL answered HTTP {status} (expired or gone; ask the provider for a fresh URL)");
        File.Exists(Final).ShouldBeFalse();
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    public async Task DownloadAsync_HttpError_ClassifiesRetryable(int status, bool retryable)
    {
        var outcome = await DownloadAsync($"status/{status}");

        outcome.Failure.ShouldBe(DownloadFailureKind.Http);
        outcome.HttpStatus.ShouldBe(status);
        outcome.Retryable.ShouldBe(retryable);
    }

    [Fact]
    public async Task DownloadAsync_ConnectionRefused_RetryableHttp()
    {
        var port = _server.BaseAddress.Port;
        await _server.DisposeAsync();
        _server = await TestVideoServer.StartAsync();

        var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(
            new DownloadRequest(new Uri($"http://127.0.0.1:{port}/video/cat"), _temp.Path, "videos/cat.mp4", Expected), default);

        outcome.Failure.ShouldBe(DownloadFailureKind.Http);
        outcome.Retryable.ShouldBeTrue();
        outcome.HttpStatus.ShouldBeNull();
    }

    [Fact]
    public async Task DownloadAsync_WrongDuration_SucceedsWithAWarning()
    {
        var longer = TestMp4.Build(8, 1280, 720);
        _server.Add("wrong", longer);

        var outcome = await DownloadAsync("video/wrong");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Video.ShouldBe(new VideoFacts(1280, 720, 8, "avc1") { Warning = "duration 8 s, asked 5 s" });
        (await File.ReadAllBytesAsync(Final)).ShouldBe(longer);
    }

    [Fact]
    public async Task DownloadAsync_PortraitForALandscapeRequest_SucceedsWithAWarning()
    {
        _server.Add("portrait", TestMp4.Build(5, 864, 1280));

        var outcome = await DownloadAsync("video/portrait");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Video.ShouldNotBeNull().Warning.ShouldBe("frame size 864x1280 (27:40), asked 1280x720 (16:9)");
        File.Exists(Final).ShouldBeTrue();
    }

    [Fact]
    public async Task DownloadAsync_NotAnMp4_UndecodableRetryableAndKept()
    {
        _server.Add("html", "<html>denied</html>"u8.ToArray());

        var outcome = await DownloadAsync("video/html");

        outcome.Failure.ShouldBe(DownloadFailureKind.Undecodable);
        outcome.Retryable.ShouldBeTrue();
        outcome.Message.ShouldNotBeNull().ShouldContain("not a playable MP4");
        outcome.Message.ShouldContain("downloading it again");
        File.Exists(Path.Combine(_temp.Path, "videos", "cat.unverified.mp4")).ShouldBeTrue();
        File.Exists(Final).ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_AfterAnUndecodableCopy_GoodFileReplacesTheKeptOne()
    {
        _server.Add("html", "<html>denied</html>"u8.ToArray());
        await DownloadAsync("video/html");

        var outcome = await DownloadAsync("video/cat");

        outcome.Success.ShouldBeTrue(outcome.Message);
        File.Exists(Path.Combine(_temp.Path, "videos", "cat.unverified.mp4")).ShouldBeFalse();
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
    }

    [Fact]
    public async Task DownloadAsync_NoSampleDescription_Undecodable()
    {
        var empty = TestMp4.Build(5, 1280, 720);
        var stsd = IndexOf(empty, "stsd"u8);
        empty[stsd + 11] = 0; // entry_count 1 -> 0
        _server.Add("empty", empty);

        var outcome = await DownloadAsync("video/empty");

        outcome.Failure.ShouldBe(DownloadFailureKind.Undecodable);
        outcome.Message.ShouldNotBeNull().ShouldContain("no samples");
    }

    [Fact]
    public async Task DownloadAsync_ChunkOffsetOutsideMdat_Undecodable()
    {
        var broken = TestMp4.Build(5, 1280, 720);
        var stco = IndexOf(broken, "stco"u8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(broken.AsSpan(stco + 12), 16);
        _server.Add("broken", broken);

        var outcome = await DownloadAsync("video/broken");

        outcome.Failure.ShouldBe(DownloadFailureKind.Undecodable);
        outcome.Message.ShouldNotBeNull().ShouldContain("not inside an mdat box");
    }

    [Fact]
    public async Task DownloadAsync_UnsafePath_PaidResultSavedUnderFallbackInside()
    {
        var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(
            new DownloadRequest(_server.Url("video/cat"), _temp.Path, "../evil.mp4", Expected), default);

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.RelativePath.ShouldBe(OutputPaths.FallbackPath("../evil.mp4"));
        outcome.RelativePath.ShouldStartWith("renamed/evil~");
        (await File.ReadAllBytesAsync(Path.Combine(_temp.Path, outcome.RelativePath))).ShouldBe(Video);
        File.Exists(Path.Combine(Path.GetDirectoryName(_temp.Path)!, "evil.mp4")).ShouldBeFalse();
    }

    [Fact]
    public async Task SaveInlineAsync_ValidBytes_SavesVerifiedFile()
    {
        var outcome = await new VideoDownloader(_http, TimeProvider.System).SaveInlineAsync(Video, _temp.Path, "videos/cat.mp4", Expected, default);

        outcome.ShouldBe(new DownloadOutcome { Success = true, RelativePath = "videos/cat.mp4", Bytes = Video.Length, Sha256 = Sha(Video), Video = Facts, Stamp = FileStamp.Read(Final) });
        (await File.ReadAllBytesAsync(Final)).ShouldBe(Video);
    }

    [Fact]
    public async Task SaveInlineAsync_TruncatedBytes_UndecodableNotRetryableAndKept()
    {
        var outcome = await new VideoDownloader(_http, TimeProvider.System).SaveInlineAsync(Video.AsMemory(0, Video.Length - 10), _temp.Path, "videos/cat.mp4", Expected, default);

        outcome.Failure.ShouldBe(DownloadFailureKind.Undecodable);
        outcome.Retryable.ShouldBeFalse();
        outcome.Message.ShouldNotBeNull().ShouldContain("truncated");
        File.Exists(Path.Combine(_temp.Path, "videos", "cat.unverified.mp4")).ShouldBeTrue();
    }

    [Fact]
    public async Task VerifyExistingAsync_StampMatches_TrustedWithoutReadingTheBytes()
    {
        await DownloadAsync("video/cat");
        var recorded = FileStamp.Read(Final)!.Value;
        await using (var stream = new FileStream(Final, FileMode.Open, FileAccess.Write))
        {
            await stream.WriteAsync(new byte[Video.Length]); // garbage in place: same inode and size
        }

        File.SetLastWriteTimeUtc(Final, DateTime.UnixEpoch.AddTicks(recorded.ModifiedNs / 100));
        var matching = FileStamp.Read(Final)!.Value;

        var trusted = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, Sha(Video), default, matching);
        var touched = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, Sha(Video), default, matching with { ModifiedNs = matching.ModifiedNs - 1_000 });
        var noStamp = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, Sha(Video), default);

        trusted.ShouldBe(new DownloadOutcome { Success = true, RelativePath = "videos/cat.mp4", Bytes = Video.Length, Sha256 = Sha(Video), Stamp = matching });
        touched.Failure.ShouldBe(DownloadFailureKind.VerifyFailed, "a stamp that differs makes the file read, and these bytes do not play");
        noStamp.Failure.ShouldBe(DownloadFailureKind.VerifyFailed);
    }

    [Fact]
    public async Task VerifyExistingAsync_GoodFile_SucceedsWithHash()
    {
        await DownloadAsync("video/cat");

        var outcome = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, Sha(Video).ToUpperInvariant(), default);

        outcome.ShouldBe(new DownloadOutcome { Success = true, RelativePath = "videos/cat.mp4", Bytes = Video.Length, Sha256 = Sha(Video), Video = Facts, Stamp = FileStamp.Read(Final) });
    }

    [Fact]
    public async Task VerifyExistingAsync_MissingFile_RetryableIo()
    {
        var outcome = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, null, default);

        outcome.Failure.ShouldBe(DownloadFailureKind.Io);
        outcome.Retryable.ShouldBeTrue();
        outcome.Message.ShouldBe("videos/cat.mp4: file is missing (download it again)");
    }

    [Fact]
    public async Task VerifyExistingAsync_ChangedBytes_VerifyFailedAndLeftInPlace()
    {
        await DownloadAsync("video/cat");
        await using (var stream = new FileStream(Final, FileMode.Open, FileAccess.Write))
        {
            stream.Position = Video.Length - 5;
            stream.WriteByte(0xFF);
        }

        var outcome = await VideoDownloader.VerifyExistingAsync(_temp.Path, "videos/cat.mp4", Expected, Sha(Video), default);

        outcome.Failure.ShouldBe(DownloadFailureKind.VerifyFailed);
        outcome.Retryable.ShouldBeTrue();
        outcome.Message.ShouldBe("videos/cat.mp4: SHA-256 differs from the one recorded (download it again)");
        File.Exists(Final).ShouldBeTrue();
    }

    private Task<DownloadOutcome> DownloadAsync(string path) =>
        new VideoDownloader(_http, TimeProvider.System).DownloadAsync(
            new DownloadRequest(_server.Url(path), _temp.Path, "videos/cat.mp4", Expected), default);

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> type)
    {
        var at = data.AsSpan().IndexOf(type);
        at.ShouldBeGreaterThan(0);
        return at;
    }
}
