using System.Text;
using BatchGen.Core.Manifests;

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
}
