using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

/// <summary>Where a batch writes: the name is one safe segment, every rendered segment is a valid name within the file-system limits, no link leads out.</summary>
public sealed class OutputLocationTests : IDisposable
{
    private const string Base = """
        version: 1
        defaults:
          provider: magnific
          image_url: https://example.com/images/cat.png
          prompt: a cat
        matrix:
          seed: [1, 2]
        """;

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData("\"../../../x\"", "contains a path separator")]
    [InlineData("\"a/../../../y\"", "contains a path separator")]
    [InlineData("'a\\b'", "contains a path separator")]
    [InlineData("\"..\"", "has an empty, '.' or '..' segment")]
    [InlineData("\".\"", "has an empty, '.' or '..' segment")]
    [InlineData("CON", "is a reserved device name on Windows")]
    [InlineData("nul.txt", "is a reserved device name on Windows")]
    [InlineData("Lpt9", "is a reserved device name on Windows")]
    [InlineData("\"a\\u202Eb\"", "the invisible direction mark U+202E")]
    [InlineData("\"a\\u2067b\"", "the invisible direction mark U+2067")]
    [InlineData("\"a\\tb\"", "a control character")]
    [InlineData("\"a\\x1bb\"", "a control character")]
    [InlineData("\"batch.\"", "ends in a dot or a space")]
    public void Load_UnsafeName_RefusedAtTheName(string name, string reason)
    {
        var errors = _h.Errors("name: " + name + "\n" + Base);

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:1:7: name: ");
        errors[0].ShouldContain(reason);
    }

    [Fact]
    public void Load_LongName_RefusedPast255Bytes()
    {
        _h.Errors("name: " + new string('n', 256) + "\n" + Base).ShouldHaveSingleItem().ShouldContain("is 256 bytes long (UTF-8), more than the 255 a file system allows");
        _h.Errors("name: " + string.Concat(Enumerable.Repeat("é", 128)) + "\n" + Base).ShouldHaveSingleItem().ShouldContain("is 256 bytes long");
    }

    [Fact]
    public void Load_NameWithBracesAndUnicode_Accepted()
    {
        var result = _h.Load("name: \"nightly-{x} café 猫\"\n" + Base);

        result.Errors.ShouldBeEmpty();
        Path.GetFileName(result.Manifest!.OutputDirectory).ShouldBe("nightly-{x} café 猫");
    }

    [Fact]
    public void Load_DefaultNameFromAReservedFileName_Refused()
    {
        _h.Errors(Base, name: "aux.yaml").ShouldHaveSingleItem().ShouldStartWith("aux.yaml:1:1: name: 'aux' cannot be a directory name");
    }

    [Theory]
    [InlineData("{provider}/COM1/{job_id}.mp4", "reserved device name")]
    [InlineData("{provider}/con.{job_id}.mp4", "reserved device name")]
    [InlineData("{provider}/\u202egpm.{job_id}.mp4", "direction mark U+202E")]
    [InlineData("{provider}/\\a{job_id}.mp4", "a control character")]
    public void Load_UnsafeSegmentInFilename_RefusedAtTheFilename(string filename, string reason)
    {
        var errors = _h.Errors(Base + $"\noutput: {{filename: \"{filename}\"}}");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:8:20: output.filename: ");
        errors[0].ShouldContain(reason);
    }

    [Fact]
    public void Load_ThreeHundredCharacterSegment_RefusedBeforeAnythingIsPaid()
    {
        var errors = _h.Errors(Base + $"\noutput: {{filename: \"{{provider}}/{new string('x', 300)}-{{job_id}}.mp4\"}}");

        errors.ShouldHaveSingleItem().ShouldContain("bytes long (UTF-8), more than the 239 a file system allows");
    }

    [Fact]
    public void Load_PathLongerThanTheLimitUnderTheOutputDirectory_Refused()
    {
        var deep = string.Join("/", Enumerable.Repeat(new string('d', 200), 21));
        var errors = _h.Errors(Base + $"\noutput: {{filename: \"{deep}/{{job_id}}.mp4\"}}");

        errors.ShouldHaveSingleItem().ShouldContain("is longer than 4080 bytes (UTF-8)");
    }

    [Fact]
    public void Load_LongOutputDirectoryPlusFilename_RefusedWithBothNamed()
    {
        var deep = string.Join("/", Enumerable.Repeat(new string('d', 200), 19));
        var dir = Path.Combine(_h.Directory, string.Join("/", Enumerable.Repeat(new string('o', 200), 2)));
        var errors = _h.Errors(Base + $"\noutput: {{dir: \"{dir}\", filename: \"{deep}/{{job_id}}.mp4\"}}");

        errors.ShouldHaveSingleItem().ShouldContain("the longest video path would be");
    }

    [Fact]
    public void OutputDirectoryProblem_AnotherOutDirTooLongForTheLongestPath_Named()
    {
        var deep = string.Join("/", Enumerable.Repeat(new string('d', 200), 19));
        var manifest = _h.Load(Base + $"\noutput: {{filename: \"{deep}/{{job_id}}.mp4\"}}").Manifest.ShouldNotBeNull();

        manifest.OutputDirectoryProblem(Path.Combine(_h.Directory, new string('o', 200), new string('o', 200))).ShouldNotBeNull().ShouldContain("the longest video path would be");
        manifest.OutputDirectoryProblem(Path.Combine(_h.Directory, "short")).ShouldBeNull();
    }

    [Fact]
    public void Load_OutputDirectoryHoldsALinkLeadingOutside_RefusedAtValidation()
    {
        using var elsewhere = new TempDirectory();
        var output = Path.Combine(_h.Directory, "out");
        Directory.CreateDirectory(Path.Combine(output, "x"));
        Directory.CreateSymbolicLink(Path.Combine(output, "x", "link"), elsewhere.Path);

        var errors = _h.Errors(Base + $"\noutput: {{dir: \"{output}\"}}");

        errors.ShouldHaveSingleItem().ShouldContain($"x/link in the output directory is a symbolic link to {elsewhere.Path}");
    }

    [Fact]
    public void Load_OutputDirectoryHoldsALinkStayingInside_Accepted()
    {
        var output = Path.Combine(_h.Directory, "out");
        Directory.CreateDirectory(Path.Combine(output, "real"));
        Directory.CreateSymbolicLink(Path.Combine(output, "alias"), Path.Combine(output, "real"));

        _h.Load(Base + $"\noutput: {{dir: \"{output}\"}}").Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Load_OutputDirWithControlCharacter_Refused()
    {
        _h.Errors(Base + "\noutput: {dir: \"out/a\\u0007b\"}").ShouldHaveSingleItem().ShouldStartWith("m.yaml:8:15: output.dir: ");
    }

    [Theory]
    [InlineData("a/CON.mp4")]
    [InlineData("a/com3")]
    [InlineData("LPT¹.mp4")]
    [InlineData("PRN /x.mp4")]
    [InlineData("a/\u2066x.mp4")]
    [InlineData("a/\u200fx.mp4")]
    public void Sanitize_ReservedDirectionAndBrokenNames_Refused(string path)
    {
        OutputPaths.Sanitize(path, out var error).ShouldBeNull();
        error.ShouldNotBeNull();
        OutputPaths.IsClean(path, out _).ShouldBeFalse();
    }

    [Fact]
    public void Sanitize_LoneSurrogate_Refused()
    {
        var path = "a/" + '\ud800' + "x.mp4";

        OutputPaths.Sanitize(path, out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("lone UTF-16 surrogate");
        OutputPaths.IsClean(path, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("a/console.mp4")]
    [InlineData("a/com10.mp4")]
    [InlineData("a/nulls/x.mp4")]
    [InlineData("猫/😀.mp4")]
    public void Sanitize_NamesThatOnlyLookReserved_Accepted(string path)
    {
        OutputPaths.Sanitize(path, out _).ShouldBe(path);
        OutputPaths.IsClean(path, out var bytes).ShouldBeTrue();
        bytes.ShouldBe(System.Text.Encoding.UTF8.GetByteCount(path));
    }
}
