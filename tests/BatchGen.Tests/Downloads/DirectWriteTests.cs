using System.Security.Cryptography;
using BatchGen.Core.Downloads;
using BatchGen.Core.Media;

namespace BatchGen.Tests.Downloads;

/// <summary>
/// Fresh downloads write whole aligned blocks with <c>O_DIRECT</c> and the rest through the page cache: the file's
/// bytes, length, SHA-256 and box check must be the video's whatever the sizes of the body's pieces, and a file system
/// that refuses direct I/O must cost nothing but the page cache.
/// </summary>
public sealed class DirectWriteTests : IAsyncLifetime, IDisposable
{
    private static readonly ExpectedVideo Expected = new(5, 1280, 720);
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private TestVideoServer _server = null!;

    public static TheoryData<int> AnySizes => [0, 1, 4095, 4096, 4097, 262_143, 262_144, 262_145, 1_048_575, 1_048_576, 1_048_577, 5_000_011];

    public static TheoryData<int> VideoSizes => [4095, 4096, 4097, 262_143, 262_144, 262_145, 1_048_575, 1_048_576, 1_048_577, 5_000_011];

    public async Task InitializeAsync() => _server = await TestVideoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [MemberData(nameof(AnySizes))]
    public async Task DownloadAsync_BytesInOddPieces_FileHoldsExactlyThemWithTheirSha256(int size)
    {
        var body = RandomBytes(size, seed: size);
        _server.Add("any", body);

        var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(Request("chunks/any", _temp.Path), CancellationToken.None);

        // Not an MP4: kept under its unverified name, with the length and hash of what was written.
        outcome.Failure.ShouldBe(DownloadFailureKind.Undecodable, outcome.Message);
        outcome.Bytes.ShouldBe(size);
        outcome.Sha256.ShouldBe(Sha(body));
        (await File.ReadAllBytesAsync(Path.Combine(_temp.Path, "videos", "v.unverified.mp4"))).ShouldBe(body);
    }

    [Theory]
    [MemberData(nameof(VideoSizes))]
    public async Task DownloadAsync_VideoInOddPieces_VerifiedWithTheFileProbesOwnFacts(int size)
    {
        var video = TestMp4.BuildOfSize(size);
        _server.Add("video", video);

        var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(Request("chunks/video", _temp.Path), CancellationToken.None);

        outcome.Success.ShouldBeTrue(outcome.Message);
        var final = Path.Combine(_temp.Path, "videos", "v.mp4");
        (await File.ReadAllBytesAsync(final)).ShouldBe(video);
        outcome.Bytes.ShouldBe(size);
        outcome.Sha256.ShouldBe(Sha(video));
        var (info, error) = await Mp4Probe.ProbeFileAsync(final, CancellationToken.None);
        outcome.Video.ShouldBe(VideoFacts.From(info.ShouldNotBeNull(error), 1280, 720, 5));
        outcome.Stamp.ShouldBe(FileStamp.Read(final));
    }

    [Fact]
    public async Task DownloadAsync_FreshVideoOnADisk_LeavesAtMostItsLastPageInThePageCache()
    {
        // Under the build output (on the disk) rather than a temp directory that may be memory (tmpfs), where every
        // page of a file is in the page cache by nature.
        var root = Path.Combine(AppContext.BaseDirectory, "direct-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var video = TestMp4.BuildOfSize(5_000_011);
            _server.Add("big", video);

            var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(Request("video/big", root), CancellationToken.None);

            outcome.Success.ShouldBeTrue(outcome.Message);
            var final = Path.Combine(root, "videos", "v.mp4");
            var type = LinuxFiles.FileSystemType(root);
            if (type is not (LinuxFiles.TmpfsMagic or LinuxFiles.RamfsMagic))
            {
                // 1,221 pages written; only the page of the last partial block went through the page cache.
                LinuxFiles.ResidentPages(final).ShouldBeLessThanOrEqualTo(1, $"file system type 0x{type:x}");
            }

            (await File.ReadAllBytesAsync(final)).ShouldBe(video);
            outcome.Sha256.ShouldBe(Sha(video));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void OpenPart_DiskFileSystem_WholeBlocksDirectThenTheTailBuffered()
    {
        var place = new OutputDirectories().TryPlace(_temp.Path, "a.mp4").ShouldNotBeNull();
        using var buffer = new AlignedBuffer();
        var data = RandomBytes(AlignedBuffer.Size + 5_000, seed: 7);

        using (var part = place.OpenPart(keepExisting: true).ShouldNotBeNull())
        {
            part.IsDirect.ShouldBeTrue();
            data.AsSpan(0, AlignedBuffer.Size).CopyTo(buffer.GetSpan());
            part.Write(buffer.GetSpan());
            part.IsDirect.ShouldBeTrue();
            place.Directory.DirectIo.Worked.ShouldBeTrue();

            data.AsSpan(AlignedBuffer.Size).CopyTo(buffer.GetSpan());
            part.Write(buffer.GetSpan()[..5_000]);
            part.IsDirect.ShouldBeFalse("a piece shorter than a block takes O_DIRECT off");
            part.FlushToDisk();
            part.Complete().Sha256.ShouldBe(Sha(data));
        }

        File.ReadAllBytes(Path.Combine(_temp.Path, "a.mp4.part")).ShouldBe(data);
    }

    [Fact]
    public void Write_DirectWriteRefusedAtTheFirstWrite_SameBytesBufferedAndTheDirectoryRemembers()
    {
        var place = new OutputDirectories().TryPlace(_temp.Path, "a.mp4").ShouldNotBeNull();
        var choice = place.Directory.DirectIo;
        var handle = DirectoryCalls.OpenFileExclusive(place.Directory.Handle, place.PartName, DirectoryCalls.CreateMode.New, direct: true, out var errno)
            .ShouldNotBeNull($"errno {errno}");
        var refusals = 0;
        using var buffer = new AlignedBuffer();
        var data = RandomBytes(AlignedBuffer.Size, seed: 8);
        data.CopyTo(buffer.GetSpan());

        using (var part = PartFile.FromHandle(place.FinalPath + ".part", handle, mayHoldBytes: false, ownCalls: true, choice, Refuse))
        {
            part.Write(buffer.GetSpan());
            part.Write(buffer.GetSpan()[..4096]);
            part.FlushToDisk();
            part.IsDirect.ShouldBeFalse();
            part.Length.ShouldBe(data.Length + 4096);
        }

        refusals.ShouldBe(1, "asked once, then buffered");
        choice.WasRefused.ShouldBeTrue();
        choice.Wanted.ShouldBeFalse();
        File.ReadAllBytes(Path.Combine(_temp.Path, "a.mp4.part")).ShouldBe([.. data, .. data.AsSpan(0, 4096)]);

        // The next part in this directory is not even opened for direct writes.
        using var next = new OutputPlace("b.mp4", place.FinalPath[..^"a.mp4".Length] + "b.mp4", place.Directory, "b.mp4").OpenPart(keepExisting: true).ShouldNotBeNull();
        next.IsDirect.ShouldBeFalse();

        nint Refuse(Microsoft.Win32.SafeHandles.SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset, out int error)
        {
            refusals++;
            error = DirectIo.EInval;
            return -1;
        }
    }

    [RamfsFact]
    public async Task DownloadAsync_FileSystemRefusingDirectIo_SavesTheVideoBufferedAndDecidesOnce()
    {
        var mount = Path.Combine(_temp.Path, "ramfs");
        Directory.CreateDirectory(mount);
        LinuxFiles.MountRamfs(mount);
        try
        {
            var video = TestMp4.BuildOfSize(600_000);
            _server.Add("video", video);
            var directories = new OutputDirectories();
            var place = directories.TryPlace(mount, "first.mp4").ShouldNotBeNull();

            using (var part = place.OpenPart(keepExisting: true).ShouldNotBeNull())
            {
                part.IsDirect.ShouldBeFalse();
                part.Length.ShouldBe(0, "the empty file Linux created before refusing is taken as it is");
            }

            place.Directory.DirectIo.WasRefused.ShouldBeTrue();

            // The whole download path on that file system: the paid video is saved all the same.
            var outcome = await new VideoDownloader(_http, TimeProvider.System).DownloadAsync(Request("chunks/video", mount), CancellationToken.None);

            outcome.Success.ShouldBeTrue(outcome.Message);
            outcome.Sha256.ShouldBe(Sha(video));
            (await File.ReadAllBytesAsync(Path.Combine(mount, "videos", "v.mp4"))).ShouldBe(video);
        }
        finally
        {
            LinuxFiles.Unmount(mount);
        }
    }

    [Fact]
    public async Task DownloadAsync_DirectDownloadStoppedMidway_NextTryResumesToTheExactVideo()
    {
        var video = TestMp4.BuildOfSize(5_000_011);
        _server.Add("video", video);
        var downloader = new VideoDownloader(_http, TimeProvider.System);
        var partPath = Path.Combine(_temp.Path, "videos", "v.mp4.part");

        // The server sends half and waits; the run is stopped (Ctrl+C) once the whole buffers of that half are on disk.
        using var stop = new CancellationTokenSource();
        var first = downloader.DownloadAsync(Request("hold/video", _temp.Path), stop.Token);
        var written = video.Length / 2 / AlignedBuffer.Size * AlignedBuffer.Size;
        written.ShouldBeGreaterThan(0);
        for (var waited = 0; waited < 3_000 && !(File.Exists(partPath) && new FileInfo(partPath).Length >= written); waited++)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => first);
        (await File.ReadAllBytesAsync(partPath)).ShouldBe(video[..written]);

        var outcome = await downloader.DownloadAsync(Request("video/video", _temp.Path), CancellationToken.None);

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.Sha256.ShouldBe(Sha(video));
        (await File.ReadAllBytesAsync(Path.Combine(_temp.Path, "videos", "v.mp4"))).ShouldBe(video);
        _server.Requests.Last().ShouldBe($"/video/video bytes={written}-");
    }

    [Fact]
    public void Rent_MoreThanTheCapacity_AnswersNullBeyondItAndReusesWhatComesBack()
    {
        var pool = new AlignedBufferPool(2);

        var first = pool.Rent().ShouldNotBeNull();
        var second = pool.Rent().ShouldNotBeNull();
        pool.Rent().ShouldBeNull();
        pool.Return(first);

        pool.Rent().ShouldBeSameAs(first);
        pool.Created.ShouldBe(2);
        second.ShouldNotBeSameAs(first);
        foreach (var buffer in new[] { first, second })
        {
            unsafe
            {
                fixed (byte* start = buffer.GetSpan())
                {
                    DirectIo.IsAligned((nint)start).ShouldBeTrue();
                }
            }

            ((IDisposable)buffer).Dispose();
        }
    }

    private DownloadRequest Request(string path, string outputDirectory) => new(_server.Url(path), outputDirectory, "videos/v.mp4", Expected);

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
