using BatchGen.Core.Downloads;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Downloads;

/// <summary>A resume's stamp of a saved file: one lstat, directories resolved once; links and escapes give none.</summary>
public sealed class SavedFileStampsTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _elsewhere = new();

    public void Dispose()
    {
        _root.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public void Read_RegularFile_SameStampAsTheFullCheck()
    {
        var path = Write(_root.Path, "aimlapi/a.mp4");

        new SavedFileStamps(_root.Path).Read("aimlapi/a.mp4").ShouldBe(FileStamp.Read(path));
    }

    [Fact]
    public void Read_MissingFileOrUnsafeName_None()
    {
        var sut = new SavedFileStamps(_root.Path);

        sut.Read("aimlapi/missing.mp4").ShouldBeNull();
        sut.Read("../outside.mp4").ShouldBeNull();
    }

    [Fact]
    public void Read_FileIsALinkOutside_None()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var target = Write(_elsewhere.Path, "victim.mp4");
        Directory.CreateDirectory(Path.Combine(_root.Path, "aimlapi"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "aimlapi", "a.mp4"), target);

        new SavedFileStamps(_root.Path).Read("aimlapi/a.mp4").ShouldBeNull("a link is never trusted unread");
    }

    [Fact]
    public void Read_DirectoryLinkedOutside_None()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Write(_elsewhere.Path, "a.mp4");
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "aimlapi"), _elsewhere.Path);

        new SavedFileStamps(_root.Path).Read("aimlapi/a.mp4").ShouldBeNull("the directory leads out of the output directory");
    }

    [Fact]
    public void Read_DirectoryLinkStayingInside_Stamp()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Write(_root.Path, "real/a.mp4");
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "alias"), Path.Combine(_root.Path, "real"));

        new SavedFileStamps(_root.Path).Read("alias/a.mp4").ShouldBe(FileStamp.Read(path));
    }

    [Fact]
    public void Read_FileChanged_StampDiffers()
    {
        var path = Write(_root.Path, "aimlapi/a.mp4");
        var sut = new SavedFileStamps(_root.Path);
        var before = sut.Read("aimlapi/a.mp4");

        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        sut.Read("aimlapi/a.mp4").ShouldNotBe(before);
    }

    private static string Write(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }
}
