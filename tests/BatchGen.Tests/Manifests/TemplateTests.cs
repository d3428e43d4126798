using System.Text;
using BatchGen.Core.Manifests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Manifests;

public sealed class TemplateTests
{
    private static string? Render(string text, Dictionary<string, string> values)
    {
        var template = Template.TryParse(text, out var error) ?? throw new InvalidOperationException(error);
        template.Bind(_ => -1);
        return template.Render(new StringBuilder(), (_, name) => values.GetValueOrDefault(name), out _);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a {x} b", "a 1 b")]
    [InlineData("{x}{y}", "12")]
    [InlineData("{{x}} {x}", "{x} 1")]
    [InlineData("}} {{", "} {")]
    [InlineData("{ x }", "1")]
    public void Render_Values_Substituted(string text, string expected)
    {
        Render(text, new() { ["x"] = "1", ["y"] = "2" }).ShouldBe(expected);
    }

    [Fact]
    public void Render_MissingValue_NullAndNamesIt()
    {
        var template = Template.TryParse("a {x} {zz}", out _)!;
        template.Bind(_ => -1);

        template.Render(new StringBuilder(), (_, n) => n == "x" ? "1" : null, out var missing).ShouldBeNull();
        missing.ShouldBe("zz");
        template.Variables.ShouldBe(["x", "zz"]);
    }

    [Theory]
    [InlineData("a {x", "unclosed '{' at position 3")]
    [InlineData("a }", "unmatched '}' at position 3")]
    [InlineData("a {}", "empty or malformed placeholder at position 3")]
    public void TryParse_Unbalanced_ErrorSaysHowToEscape(string text, string expected)
    {
        Template.TryParse(text, out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldStartWith(expected);
    }

    [Theory]
    [InlineData("magnific/abc.mp4", "magnific/abc.mp4")]
    [InlineData("a\\b.mp4", "a/b.mp4")]
    [InlineData("../x.mp4", null)]
    [InlineData("/abs/x.mp4", null)]
    [InlineData("C:/x.mp4", null)]
    [InlineData("a//b.mp4", null)]
    [InlineData("a/./b.mp4", null)]
    [InlineData("a\u0001b.mp4", null)]
    [InlineData("a/16:9.mp4", null)]
    public void Sanitize_OutputPath_CleanOrRefused(string rendered, string? expected)
    {
        OutputPaths.Sanitize(rendered, out var error).ShouldBe(expected);
        (error is null).ShouldBe(expected is not null);
    }

    [Property]
    public Property IsClean_AnyPath_AgreesWithTheRulesOfSanitize()
    {
        var chars = Gen.Elements('a', 'b', '.', ' ', '/', '\\', ':', '*', '\u0001', '\u007f', '\u0085', '\u00e9', '猫');
        var paths = Gen.ArrayOf(chars).Select(a => new string(a));

        return Prop.ForAll(paths.ToArbitrary(), path =>
            OutputPaths.IsClean(path) == (ReferenceSanitize(path) is not null)
            && OutputPaths.Sanitize(path, out _) == ReferenceSanitize(path));
    }

    [Fact]
    public void Render_WithCache_SameTextAsWithoutAndReusedWhenValuesAreTheSame()
    {
        var template = Template.TryParse("a {x} {y}", out _)!;
        template.Bind(_ => -1);
        var cache = new RenderCache();
        var one = "1";
        var values = new Dictionary<string, string> { ["x"] = one, ["y"] = "2" };
        string? Lookup(int slot, string name) => values.GetValueOrDefault(name);

        var first = template.Render(new StringBuilder(), Lookup, cache, out _);
        var again = template.Render(new StringBuilder(), Lookup, cache, out _);
        values["y"] = "3";
        var changed = template.Render(new StringBuilder(), Lookup, cache, out _);
        values.Remove("x");
        var missing = template.Render(new StringBuilder(), Lookup, cache, out var name);
        values["x"] = one;

        first.ShouldBe("a 1 2");
        again.ShouldBeSameAs(first);
        changed.ShouldBe("a 1 3");
        missing.ShouldBeNull();
        name.ShouldBe("x");
        template.Render(new StringBuilder(), Lookup, cache, out _).ShouldBe("a 1 3");
    }

    /// <summary>The rules of OutputPaths.Sanitize as first written (string operations), to check the span version against.</summary>
    private static string? ReferenceSanitize(string rendered)
    {
        var path = rendered.Replace('\\', '/');
        if (path.Length == 0 || path.StartsWith('/') || (path.Length >= 2 && path[1] == ':'))
        {
            return null;
        }

        if (path.Any(c => char.IsControl(c) || c is '<' or '>' or '"' or '|' or '?' or '*' or ':'))
        {
            return null;
        }

        return path.Split('/').Any(segment => segment.Length == 0 || segment[^1] is ' ' or '.') ? null : path;
    }
}
