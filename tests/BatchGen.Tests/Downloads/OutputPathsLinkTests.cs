using BatchGen.Core.Downloads;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Downloads;

/// <summary>Right before writing: links inside the output directory that lead out are refused; a fallback name is safe and stable.</summary>
public sealed class OutputPathsLinkTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _elsewhere = new();

    public void Dispose()
    {
        _root.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public void Resolve_DirectoryLinkedOutside_Throws()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "x"), _elsewhere.Path);

        var ex = Should.Throw<ArgumentException>(() => OutputPaths.Resolve(_root.Path, "x/a.mp4"));

        ex.Message.ShouldContain("leads out of the output directory");
    }

    [Fact]
    public void Resolve_PartFileLinkedOutside_Throws()
    {
        var target = Path.Combine(_elsewhere.Path, "victim");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(Path.Combine(_root.Path, "a.mp4.part"), target);

        Should.Throw<ArgumentException>(() => OutputPaths.Resolve(_root.Path, "a.mp4"));
        File.ReadAllText(target).ShouldBe("keep");
    }

    [Fact]
    public void Resolve_LinkStayingInside_Allowed()
    {
        Directory.CreateDirectory(Path.Combine(_root.Path, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "alias"), Path.Combine(_root.Path, "real"));

        OutputPaths.Resolve(_root.Path, "alias/a.mp4").ShouldBe(Path.Combine(_root.Path, "alias", "a.mp4"));
    }

    [Fact]
    public void Resolve_OutputDirectoryItselfALink_Allowed()
    {
        var link = Path.Combine(_root.Path, "out");
        Directory.CreateSymbolicLink(link, _elsewhere.Path);

        OutputPaths.Resolve(link, "v/a.mp4").ShouldBe(Path.Combine(link, "v", "a.mp4"));
    }

    [Theory]
    [InlineData("../evil.mp4")]
    [InlineData("a/CON.mp4")]
    [InlineData("a/\u202egpm.exe")]
    [InlineData("magnific/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.mp4")]
    public void FallbackPath_AnyUnusablePath_SafeStableAndDistinct(string path)
    {
        var fallback = OutputPaths.FallbackPath(path);

        fallback.ShouldBe(OutputPaths.FallbackPath(path));
        fallback.ShouldNotBe(OutputPaths.FallbackPath(path + "x"));
        OutputPaths.TrySanitize(fallback, out var sanitized, out var error).ShouldBeTrue(error);
        sanitized.ShouldBe(fallback);
        fallback.Length.ShouldBeLessThan(100);
    }

    [Fact]
    public async Task WriteAllAsync_ReportFileLinkedOutside_RefusedTargetUntouched()
    {
        var target = Path.Combine(_elsewhere.Path, "victim.csv");
        await File.WriteAllTextAsync(target, "keep");
        File.CreateSymbolicLink(Path.Combine(_root.Path, ReportWriter.ResultsCsvFile), target);
        var input = ReportInput.FromLedger("batch", [], _root.Path, [], new HashSet<string>(StringComparer.Ordinal));

        await Should.ThrowAsync<IOException>(() => ReportWriter.WriteAllAsync(input, _root.Path, ContactSheetOptions.Default, CancellationToken.None));

        (await File.ReadAllTextAsync(target)).ShouldBe("keep");
    }
}
