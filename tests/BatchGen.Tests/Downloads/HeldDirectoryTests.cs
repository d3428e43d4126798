using BatchGen.Core.Downloads;

namespace BatchGen.Tests.Downloads;

/// <summary>
/// One downloader keeps its output directories open after checking them once (Linux). What changes on disk between
/// two files of the same run must still be seen: a directory swapped for a link, removed, or a link at a file's name.
/// </summary>
public sealed class HeldDirectoryTests : IAsyncLifetime, IDisposable
{
    private static readonly ExpectedVideo Expected = new(5, 1280, 720);
    private static readonly byte[] Video = TestMp4.Build(5.2, 1280, 720);
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _elsewhere = new();
    private readonly HttpClient _http = new();
    private TestVideoServer _server = null!;
    private VideoDownloader _downloader = null!;

    public async Task InitializeAsync()
    {
        _server = await TestVideoServer.StartAsync();
        _server.Add("cat", Video);
        _server.Add("html", "<html>denied</html>"u8.ToArray());
        _downloader = new VideoDownloader(_http, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _root.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public async Task DownloadAsync_DirectoryMovedOutAndLinkedBackAfterFirstFile_NothingWrittenOutside()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        // The held directory itself now lives outside, reached through a link at its old name: the same inode as
        // held, so only the check of the name (no link followed) can tell.
        var moved = Path.Combine(_elsewhere.Path, "videos");
        Directory.Move(Path.Combine(_root.Path, "videos"), moved);
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "videos"), moved);

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.RelativePath.ShouldStartWith(OutputPaths.FallbackDirectory + "/");
        (await File.ReadAllBytesAsync(Path.Combine(_root.Path, outcome.RelativePath))).ShouldBe(Video);
        Directory.EnumerateFiles(moved).Select(Path.GetFileName).ShouldBe(["a.mp4"]);
    }

    [Fact]
    public async Task DownloadAsync_DirectoryReplacedByLinkOutside_NothingWrittenOutside()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        Directory.Move(Path.Combine(_root.Path, "videos"), Path.Combine(_root.Path, "old"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "videos"), _elsewhere.Path);

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.RelativePath.ShouldStartWith(OutputPaths.FallbackDirectory + "/");
        Directory.EnumerateFileSystemEntries(_elsewhere.Path).ShouldBeEmpty();
        File.Exists(Path.Combine(_root.Path, "old", "b.mp4")).ShouldBeFalse("nothing lands in the directory held before");
    }

    [Fact]
    public async Task DownloadAsync_NestedDirectoryParentSwapped_SeenAtEveryLevel()
    {
        (await DownloadAsync("a/b/one.mp4")).Success.ShouldBeTrue();
        Directory.Move(Path.Combine(_root.Path, "a"), Path.Combine(_elsewhere.Path, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "a"), Path.Combine(_elsewhere.Path, "a"));

        var outcome = await DownloadAsync("a/b/two.mp4");

        outcome.RelativePath.ShouldStartWith(OutputPaths.FallbackDirectory + "/");
        File.Exists(Path.Combine(_elsewhere.Path, "a", "b", "two.mp4")).ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_DirectoryRemovedMidRun_CreatedAgainAndSavedInPlace()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        Directory.Delete(Path.Combine(_root.Path, "videos"), recursive: true);

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.RelativePath.ShouldBe("videos/b.mp4");
        (await File.ReadAllBytesAsync(Path.Combine(_root.Path, "videos", "b.mp4"))).ShouldBe(Video);
        outcome.Stamp.ShouldBe(FileStamp.Read(Path.Combine(_root.Path, "videos", "b.mp4")));
    }

    [Fact]
    public async Task DownloadAsync_PartFileLinkedOutsideInHeldDirectory_TargetUntouched()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        var victim = Path.Combine(_elsewhere.Path, "victim");
        await File.WriteAllTextAsync(victim, "keep");
        File.CreateSymbolicLink(Path.Combine(_root.Path, "videos", "b.mp4.part"), victim);

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        outcome.RelativePath.ShouldStartWith(OutputPaths.FallbackDirectory + "/");
        (await File.ReadAllTextAsync(victim)).ShouldBe("keep");
    }

    [Fact]
    public async Task DownloadAsync_FinalNameLinkedOutsideInHeldDirectory_LinkReplacedTargetUntouched()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        var victim = Path.Combine(_elsewhere.Path, "victim.mp4");
        await File.WriteAllTextAsync(victim, "keep");
        var final = Path.Combine(_root.Path, "videos", "b.mp4");
        File.CreateSymbolicLink(final, victim);

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        (await File.ReadAllTextAsync(victim)).ShouldBe("keep");
        new FileInfo(Path.Combine(_root.Path, outcome.RelativePath)).LinkTarget.ShouldBeNull();
        (await File.ReadAllBytesAsync(Path.Combine(_root.Path, outcome.RelativePath))).ShouldBe(Video);
    }

    [Fact]
    public async Task DownloadAsync_UndecodableThenGoodInTheSameRun_KeptCopyRemoved()
    {
        var kept = Path.Combine(_root.Path, "videos", "b.unverified.mp4");
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        (await DownloadAsync("videos/b.mp4", "video/html")).Failure.ShouldBe(DownloadFailureKind.Undecodable);
        File.Exists(kept).ShouldBeTrue();

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        File.Exists(kept).ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_KeptCopyFromAnEarlierRun_RemovedByTheGoodDownload()
    {
        var kept = Path.Combine(_root.Path, "videos", "b.unverified.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        await File.WriteAllTextAsync(kept, "<html>denied</html>");

        var outcome = await DownloadAsync("videos/b.mp4");

        outcome.Success.ShouldBeTrue(outcome.Message);
        File.Exists(kept).ShouldBeFalse();
    }

    [Fact]
    public async Task DownloadAsync_PartLockedByAnotherWriter_RefusedAndLeftAlone()
    {
        (await DownloadAsync("videos/a.mp4")).Success.ShouldBeTrue();
        var part = Path.Combine(_root.Path, "videos", "b.mp4.part");
        await using (var other = new FileStream(part, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            await other.WriteAsync(new byte[] { 1, 2, 3 });
            await other.FlushAsync();

            var outcome = await DownloadAsync("videos/b.mp4");

            outcome.Success.ShouldBeFalse();
            outcome.Failure.ShouldBe(DownloadFailureKind.Io);
        }

        (await File.ReadAllBytesAsync(part)).ShouldBe(new byte[] { 1, 2, 3 });
    }

    [Fact]
    public void TryPlace_MoreDirectoriesThanHeld_TheRestLeftToThePathBasedCode()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var directories = new OutputDirectories();
        for (var i = 0; i < OutputDirectories.MaxHeld; i++)
        {
            directories.TryPlace(_root.Path, $"d{i}/a.mp4").ShouldNotBeNull($"directory {i}");
        }

        directories.TryPlace(_root.Path, "one-more/a.mp4").ShouldBeNull("no descriptor beyond the cap");
        var held = directories.TryPlace(_root.Path, "d7/b.mp4").ShouldNotBeNull();
        held.FinalPath.ShouldBe(Path.Combine(_root.Path, "d7", "b.mp4"));
        held.Name.ShouldBe("b.mp4");
    }

    private Task<DownloadOutcome> DownloadAsync(string relative, string source = "video/cat") =>
        _downloader.DownloadAsync(new DownloadRequest(_server.Url(source), _root.Path, relative, Expected), default);
}
