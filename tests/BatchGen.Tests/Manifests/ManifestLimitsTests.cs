using System.Diagnostics;
using System.Text;
using BatchGen.Core.Manifests.Limits;

namespace BatchGen.Tests.Manifests;

/// <summary>Bounded parsing: hostile or careless input ends as one diagnostic with its location, never a crash or a hang.</summary>
public sealed class ManifestLimitsTests : IDisposable
{
    private const string Base = """
        version: 1
        defaults:
          provider: magnific
          image_url: https://example.com/images/cat.png
          prompt: a cat
        matrix:
          seed: [1]
        """;

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Load_ExtraNestedTwentyThousandDeep_DepthErrorAtTheNode()
    {
        var yaml = "version: 1\ndefaults:\n  extra: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n";

        _h.Errors(yaml).ShouldBe(["m.yaml:3:258: manifest: mappings and lists are nested deeper than 64 levels; flatten the structure"]);
    }

    [Fact]
    public void Load_BlockNestingJustUnderTheLimit_IsNotADepthError()
    {
        var extra = string.Concat(Enumerable.Repeat("{a: ", 60)) + "1" + new string('}', 60);

        _h.Jobs(Base.Replace("prompt: a cat", "prompt: a cat\n  extra: " + extra, StringComparison.Ordinal)).Count.ShouldBe(1);
    }

    [Fact]
    public void Load_AliasOfItsOwnList_RefusedAsRecursive()
    {
        _h.Errors("a: &a [*a]\n").ShouldBe(["m.yaml:1:8: manifest: alias *a is used inside the node it names (&a): a recursive structure cannot be expanded"]);
    }

    [Fact]
    public void Load_DefaultsAliasingThemselves_RefusedAsRecursive()
    {
        _h.Errors("version: 1\ndefaults: &d {extra: *d}\n")
            .ShouldBe(["m.yaml:2:22: manifest: alias *d is used inside the node it names (&d): a recursive structure cannot be expanded"]);
    }

    [Fact]
    public void Load_AliasNestingPastTheLimitOnceExpanded_DepthError()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 40)) + "1" + new string(']', 40);
        var yaml = Base + $"\nx-anchor: &deep {deep}\ninclude:\n  - extra: {{a: {{b: {{c: {{d: {{e: {{f: {{g: {{h: {{i: {{j: {{k: {{l: {{m: {{n: {{o: {{p: {{q: {{r: {{s: {{t: {{u: {{v: {{w: {{x: *deep}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}\n";

        _h.Errors(yaml).ShouldHaveSingleItem().ShouldContain("alias *deep nests mappings and lists deeper than 64 levels once expanded");
    }

    [Fact]
    public void Load_AliasBombOfTenMillionNodes_RefusedAtTheAliasThatPassesTheBudget()
    {
        var yaml = new StringBuilder(Base).Append("\ninclude:\n  - extra:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 7; i++)
        {
            yaml.Append($"      a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        yaml.Length.ShouldBeLessThan(1200);
        var clock = Stopwatch.StartNew();

        var errors = _h.Errors(yaml.ToString());

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:15:16:");
        errors[0].ShouldContain("more than 200,000 YAML nodes once aliases are expanded");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Load_AliasBombUnderAnUnknownKey_ReportsTheUnknownKeyWithoutExpanding()
    {
        var yaml = new StringBuilder(Base).Append("\nbomb0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append($"bomb{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var errors = _h.Errors(yaml.ToString());

        errors.Count.ShouldBe(9);
        errors[0].ShouldStartWith("m.yaml:8:1: bomb0: unknown key 'bomb0'");
        errors[8].ShouldStartWith("m.yaml:16:1: bomb8: unknown key 'bomb8'");
    }

    [Fact]
    public void Load_ModestAliasesUnderKnownKeys_StillWork()
    {
        var yaml = """
            version: 1
            defaults: &d
              provider: magnific
              image_url: https://example.com/images/cat.png
              prompt: a cat
            matrix:
              seed: &seeds [1, 2]
            include:
              - {seed: 3}
            """;

        _h.Jobs(yaml).Count.ShouldBe(3);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    public void Load_RowsFromADevice_RefusedAtTheRowsKey(string device)
    {
        if (!File.Exists(device))
        {
            return;
        }

        var yaml = Base.Replace("matrix:\n  seed: [1]", $"rows: {device}", StringComparison.Ordinal);

        _h.Errors(yaml).ShouldBe([$"m.yaml:6:7: rows: the file is empty, or is not a regular file (a device, pipe or socket cannot be read as a manifest)"]);
    }

    [Fact]
    public void Load_ManifestIsAFifo_RefusedWithoutWaitingForAWriter()
    {
        var path = Path.Combine(_h.Directory, "pipe.yaml");
        Fifo.Create(path);

        var result = ManifestHarness.LoadFile(path);

        result.Errors.Select(e => _h.Relative(e.ToString())).ShouldBe(["pipe.yaml:1:1: manifest: the file is empty, or is not a regular file (a device, pipe or socket cannot be read as a manifest)"]);
    }

    [Fact]
    public void Load_ManifestLargerThanTheCap_RefusedBeforeParsing()
    {
        var yaml = Base + "\n# " + new string('x', ManifestLimits.MaxYamlBytes) + "\n";

        _h.Errors(yaml).ShouldBe(["m.yaml:1:1: manifest: is 4 MiB, larger than the 4 MiB allowed for this kind of file"]);
    }

    [Fact]
    public void Load_NineMegabytesOfPlaceholders_RefusedQuicklyAsTooLarge()
    {
        var yaml = Base.Replace("prompt: a cat", "prompt: \"" + string.Concat(Enumerable.Repeat("{subject}", 1_000_000)) + "\"", StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();

        _h.Errors(yaml).ShouldHaveSingleItem().ShouldContain("larger than the 4 MiB allowed");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Load_ValueLongerThanTheCap_RefusedAtTheValue()
    {
        var yaml = Base.Replace("prompt: a cat", "prompt: " + new string('a', ManifestLimits.MaxValueChars + 1), StringComparison.Ordinal);

        _h.Errors(yaml).ShouldBe(["m.yaml:5:11: manifest: a value of 65,537 characters is longer than the 65,536 allowed"]);
    }

    [Fact]
    public void Load_TooManyPlaceholders_RefusedAtTheTemplate()
    {
        var yaml = Base.Replace("prompt: a cat", "prompt: \"" + string.Concat(Enumerable.Repeat("{seed}", 300)) + "\"", StringComparison.Ordinal);

        _h.Errors(yaml).ShouldBe(["m.yaml:5:11: prompt: more than 256 {placeholders}; shorten the template"]);
    }

    [Fact]
    public void Load_PromptRenderingPastTheCap_RefusedWithTheCombination()
    {
        var subject = new string('s', 60_000);
        var yaml = Base.Replace("prompt: a cat", "prompt: \"{subject} {subject}\"", StringComparison.Ordinal) + $"\n  subject: [{subject}]";

        _h.Errors(yaml).ShouldHaveSingleItem().ShouldStartWith("m.yaml:5:11: prompt: renders longer than 65536 characters in combination seed=1, subject=");
    }

    [Fact]
    public void Load_CsvCellLongerThanTheCap_RefusedAtTheCell()
    {
        _h.Write("rows.csv", "provider,prompt,image_url\nmagnific," + new string('p', ManifestLimits.MaxValueChars + 1) + ",https://example.com/a.png\n");

        _h.Errors("version: 1\nrows: rows.csv\n").ShouldBe(["rows.csv:2:2: prompt: a cell of 65537 characters is longer than the 65536 allowed"]);
    }
}
