using BatchGen.Core.Providers.Http;
using FsCheck;
using FsCheck.Fluent;

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

    [Fact]
    public void OneLine_AnyText_NeverContainsSecretOrNewline()
    {
        Prop.ForAll<string, string>((prefix, suffix) =>
        {
            const string secret = "key_0000";
            var text = SafeText.OneLine($"{prefix}{secret}\n{suffix}", secret);
            return !text.Contains(secret, StringComparison.Ordinal) && !text.Contains('\n', StringComparison.Ordinal)
                && text.Length <= SafeText.MaxLength;
        }).QuickCheckThrowOnFailure();
    }
}
