using System.Buffers;
using System.Text;
using System.Text.Json;
using BatchGen.Core.Manifests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Manifests;

/// <summary>The hand-written canonical JSON must be byte for byte what Utf8JsonWriter (relaxed escaping) writes.</summary>
public sealed class CanonicalBufferTests
{
    [Fact]
    public void String_EveryAsciiCharacter_SameBytesAsUtf8JsonWriter()
    {
        for (var c = 0; c < 128; c++)
        {
            var text = "a" + (char)c + "b";

            Written(text).ShouldBe(Reference(text), $"U+{c:X4}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a cat: \"quoted\", 猫")]
    [InlineData("emoji 🐱 and \u2028 line separator, \u00e9, \u00a0, \ufeff, tab\t, nul\0")]
    [InlineData("<script>&'`+</script>")]
    [InlineData("ライオンが草原を歩く、夕焼け")]
    public void String_UnicodeAndSpecialCharacters_SameBytesAsUtf8JsonWriter(string text) =>
        Written(text).ShouldBe(Reference(text));

    [Property]
    public Property String_ArbitraryText_SameBytesAsUtf8JsonWriter()
    {
        var chars = Gen.OneOf(Gen.Choose(0, 0x7f), Gen.Choose(0x80, 0xd7ff), Gen.Choose(0xe000, 0xffff)).Select(c => (char)c);
        var texts = Gen.ArrayOf(chars).Select(a => new string(a));

        return Prop.ForAll(texts.ToArbitrary(), text => Written(text) == Reference(text));
    }

    [Fact]
    public void Number_LongValues_InvariantDigits()
    {
        var buffer = new CanonicalBuffer();
        buffer.Number(long.MinValue);
        buffer.Raw(","u8);
        buffer.Number(2147483647);

        Encoding.UTF8.GetString(buffer.Written).ShouldBe("-9223372036854775808,2147483647");
    }

    private static string Written(string text)
    {
        var buffer = new CanonicalBuffer();
        buffer.String(text);
        return Encoding.UTF8.GetString(buffer.Written);
    }

    private static string Reference(string text)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = CanonicalBuffer.JsonEncoder }))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
