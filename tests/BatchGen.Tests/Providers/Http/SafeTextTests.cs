using BatchGen.Core.Providers.Http;
using FsCheck.Xunit;

namespace BatchGen.Tests.Providers.Http;

public sealed class SafeTextTests
{
    [Fact]
    public void OneLine_MultilineText_CollapsesWhitespace()
    {
        SafeText.OneLine("  bad\r\n\tthing \u0007 here ", null).ShouldBe("bad thing here");
    }

    [Fact]
    public void OneLine_ContainsSecret_Redacts()
    {
        SafeText.OneLine("key SG_0123 rejected, SG_0123", "SG_0123").ShouldBe("key *** rejected, ***");
    }

    [Fact]
    public void OneLine_LongText_TruncatedWithEllipsis()
    {
        var text = SafeText.OneLine(new string('x', 1000), null);

        text.Length.ShouldBe(SafeText.MaxLength);
        text.ShouldEndWith("...");
    }

    [Property]
    public bool OneLine_AnyText_NeverContainsSecretOrNewline(string prefix, string suffix)
    {
        const string secret = "key_0000";
        var text = SafeText.OneLine($"{prefix}{secret}\n{suffix}", secret);
        return !text.Contains(secret, StringComparison.Ordinal) && !text.Contains('\n', StringComparison.Ordinal)
            && text.Length <= SafeText.MaxLength;
    }
}
