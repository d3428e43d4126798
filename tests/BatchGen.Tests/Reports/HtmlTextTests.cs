using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class HtmlTextTests
{
    [Fact]
    public void Encode_NothingToEscape_SameTextWithoutACopy()
    {
        var text = "aimlapi/0a1b2c3d4e5f6a7b.mp4 · a lighthouse at dawn";

        HtmlText.Encode(text).ShouldBeSameAs(text);
    }

    [Theory]
    [InlineData("<b>", "&lt;b&gt;")]
    [InlineData("fish & chips", "fish &amp; chips")]
    [InlineData("say \"hi\"", "say &quot;hi&quot;")]
    [InlineData("it's", "it&#39;s")]
    [InlineData("a\0b", "a\uFFFDb")]
    [InlineData("plain then >", "plain then &gt;")]
    public void Encode_SpecialCharacters_EscapedWhereverTheyAre(string text, string expected) =>
        HtmlText.Encode(text).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Encode_NullOrEmpty_Empty(string? text) => HtmlText.Encode(text).ShouldBe(string.Empty);
}
