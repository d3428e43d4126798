using BatchGen.Simulator.H264;

namespace BatchGen.Tests.Simulator.Video;

public sealed class BitWriterTests
{
    [Theory]
    [InlineData(0u, "1")]
    [InlineData(1u, "010")]
    [InlineData(2u, "011")]
    [InlineData(3u, "00100")]
    [InlineData(7u, "0001000")]
    [InlineData(25u, "000011010")]
    public void UnsignedExpGolomb_WritesTheSpecCodeword(uint value, string bits) =>
        Written(w => w.UnsignedExpGolomb(value)).ShouldBe(bits);

    [Theory]
    [InlineData(0, "1")]
    [InlineData(1, "010")]
    [InlineData(-1, "011")]
    [InlineData(2, "00100")]
    [InlineData(-2, "00101")]
    [InlineData(-8, "000010001")]
    public void SignedExpGolomb_MapsPositiveToOddCodeNumbers(int value, string bits) =>
        Written(w => w.SignedExpGolomb(value)).ShouldBe(bits);

    [Fact]
    public void UnsignedExpGolomb_LargestValue_TakesSixtyFiveBits() =>
        Written(w => w.UnsignedExpGolomb(uint.MaxValue)).ShouldBe(new string('0', 32) + "1" + new string('0', 32));

    [Fact]
    public void TrailingBits_AreAOneThenZerosToTheByteBoundary()
    {
        var w = new BitWriter();
        w.Bits(0b101, 3);
        w.TrailingBits();
        w.ToArray().ShouldBe(new byte[] { 0b1011_0000 });
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, new byte[] { 0x65, 0, 0, 3, 0, 3 })]
    [InlineData(new byte[] { 0, 0, 1 }, new byte[] { 0x65, 0, 0, 3, 1 })]
    [InlineData(new byte[] { 0, 0, 2, 0, 0, 3 }, new byte[] { 0x65, 0, 0, 3, 2, 0, 0, 3, 3 })]
    [InlineData(new byte[] { 0, 0, 4 }, new byte[] { 0x65, 0, 0, 4 })]
    [InlineData(new byte[] { 0, 1, 0, 0x80 }, new byte[] { 0x65, 0, 1, 0, 0x80 })]
    public void ToNalUnit_InsertsEmulationPreventionBytes(byte[] rbsp, byte[] nal) =>
        BitWriter.ToNalUnit(3, 5, rbsp).ShouldBe(nal);

    [Fact]
    public void ToNalUnit_NeverContainsAStartCodePrefix()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var rbsp = new byte[random.Next(1, 64)];
            for (var j = 0; j < rbsp.Length; j++)
            {
                rbsp[j] = (byte)(random.Next(4) == 0 ? random.Next(4) : 0);
            }

            rbsp[^1] = 0x80; // an RBSP ends with its stop bit
            var nal = BitWriter.ToNalUnit(0, 12, rbsp);
            for (var j = 0; j + 2 < nal.Length; j++)
            {
                (nal[j] == 0 && nal[j + 1] == 0 && nal[j + 2] <= 2).ShouldBeFalse($"00 00 0{nal[j + 2]} at {j}");
            }

            Unescape(nal.AsSpan(1)).ShouldBe(rbsp);
        }
    }

    private static byte[] Unescape(ReadOnlySpan<byte> nal)
    {
        var output = new List<byte>();
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            output.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. output];
    }

    private static string Written(Action<BitWriter> write)
    {
        var w = new BitWriter();
        write(w);
        var bits = new System.Text.StringBuilder();
        w.Bit(true); // a marker to find the end once padded
        while (!w.IsByteAligned)
        {
            w.Bit(false);
        }

        foreach (var b in w.ToArray())
        {
            bits.Append(Convert.ToString(b, 2).PadLeft(8, '0'));
        }

        var text = bits.ToString();
        return text[..text.LastIndexOf('1')];
    }
}
