using BatchGen.Core.Downloads;
using FsCheck.Xunit;

namespace BatchGen.Tests.Downloads;

public sealed class OutputPathsTests
{
    [Theory]
    [InlineData("a.mp4", "a.mp4")]
    [InlineData("videos/magnific/cat-01.mp4", "videos/magnific/cat-01.mp4")]
    [InlineData("videos\\magnific\\cat.mp4", "videos/magnific/cat.mp4")]
    [InlineData("vidéos/猫/кот.mp4", "vidéos/猫/кот.mp4")]
    [InlineData("a..b/c...mp4", "a..b/c...mp4")]
    public void TrySanitize_SafePath_ReturnsNormalised(string input, string expected)
    {
        OutputPaths.TrySanitize(input, out var sanitized, out var error).ShouldBeTrue();

        sanitized.ShouldBe(expected);
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("../escape.mp4", "'..' segment")]
    [InlineData("a/../../escape.mp4", "'..' segment")]
    [InlineData("a\\..\\escape.mp4", "'..' segment")]
    [InlineData("./a.mp4", "'.' segment")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("\\\\server\\share\\a.mp4", "is absolute")]
    [InlineData("C:\\videos\\a.mp4", "drive letter")]
    [InlineData("c:a.mp4", "drive letter")]
    [InlineData("a//b.mp4", "empty segment")]
    [InlineData("videos/", "empty segment")]
    [InlineData("a\u0000b.mp4", "control characters")]
    [InlineData("a\nb.mp4", "control characters")]
    [InlineData("a\u001bb.mp4", "control characters")]
    public void TrySanitize_UnsafePath_ReturnsFalseWithReason(string input, string reason)
    {
        OutputPaths.TrySanitize(input, out var sanitized, out var error).ShouldBeFalse();

        sanitized.ShouldBeEmpty();
        error.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public void Resolve_SafePath_StaysInsideDirectory()
    {
        using var temp = new TempDirectory();

        var full = OutputPaths.Resolve(temp.Path, "videos\\a.mp4");

        full.ShouldBe(Path.Combine(temp.Path, "videos", "a.mp4"));
    }

    [Fact]
    public void Resolve_EscapingPath_Throws()
    {
        using var temp = new TempDirectory();

        var ex = Should.Throw<ArgumentException>(() => OutputPaths.Resolve(temp.Path, "a/../../x.mp4"));

        ex.Message.ShouldStartWith("output path 'a/../../x.mp4': has a '..' segment");
    }

    [Property]
    public bool TrySanitize_RandomStrings_NeverEscapeTheDirectory(string input)
    {
        var root = Path.Combine(Path.GetTempPath(), "batchgen-root");
        if (input is null || !OutputPaths.TrySanitize(input, out var sanitized, out _))
        {
            return true;
        }

        return OutputPaths.Resolve(root, sanitized).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
