using System.Buffers.Binary;
using BatchGen.Core.Media;
using BatchGen.Tests.Downloads;

namespace BatchGen.Tests.Media;

/// <summary>The box check on streamed bytes gives the file probe's answer, or none (the file is then probed).</summary>
public sealed class Mp4BoxScannerTests
{
    private static readonly byte[] Good = TestMp4.Build(5.2, 1280, 720, mediaBytes: 50_000);

    public static TheoryData<string> Cases() => new(Variants().Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Finish_AnyBytesInAnyChunks_SameAnswerAsTheFileProbeOrNone(string name)
    {
        var bytes = Variants()[name];
        var expected = await Mp4Probe.ProbeAsync(new MemoryStream(bytes), CancellationToken.None);
        var random = new Random(name.Length);
        foreach (var chunk in new[] { 1, 7, 8, 15, 16, 4096, 1 << 20, -1 })
        {
            var scanner = new Mp4BoxScanner();
            for (var at = 0; at < bytes.Length;)
            {
                var size = Math.Min(bytes.Length - at, chunk > 0 ? chunk : random.Next(1, 3000));
                scanner.Append(bytes.AsSpan(at, size));
                at += size;
            }

            var scanned = scanner.Finish(bytes.Length);
            if (scanned is { } answer)
            {
                answer.ShouldBe(expected, $"{name}, chunks of {chunk}");
            }
        }
    }

    [Fact]
    public void Finish_PlainValidFile_AnsweredWithoutTheFile()
    {
        var scanner = new Mp4BoxScanner();
        scanner.Append(Good);

        var answer = scanner.Finish(Good.Length).ShouldNotBeNull();

        answer.Error.ShouldBeNull();
        answer.Info.ShouldNotBeNull().Width.ShouldBe(1280);
    }

    [Fact]
    public void Reset_AfterGarbage_ScansTheNewBytesOnly()
    {
        var scanner = new Mp4BoxScanner();
        scanner.Append("<html>denied</html>"u8);
        scanner.Reset();
        scanner.Append(Good);

        scanner.Finish(Good.Length).ShouldNotBeNull().Info.ShouldNotBeNull();
    }

    [Fact]
    public void Finish_FewerBytesThanTheFileHolds_NoAnswer()
    {
        var scanner = new Mp4BoxScanner();
        scanner.Append(Good.AsSpan(0, 1000));

        scanner.Finish(Good.Length).ShouldBeNull();
    }

    private static Dictionary<string, byte[]> Variants()
    {
        var moovAt = Good.AsSpan().IndexOf("moov"u8) - 4;
        var mdatAt = Good.AsSpan().IndexOf("mdat"u8) - 4;
        var badStco = (byte[])Good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(badStco.AsSpan(badStco.AsSpan().IndexOf("stco"u8) + 12), 16);
        var zeroSize = (byte[])Good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(zeroSize.AsSpan(mdatAt), 0);
        var tinySize = (byte[])Good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(tinySize.AsSpan(moovAt), 4);
        var largeSize = Good[..mdatAt].Concat(LargeMdat(Good[(mdatAt + 8)..])).ToArray();
        return new(StringComparer.Ordinal)
        {
            ["good"] = Good,
            ["empty"] = [],
            ["html"] = "<html>denied</html>"u8.ToArray(),
            ["cut in the mdat"] = Good[..^100],
            ["cut in the moov"] = Good[..(moovAt + 40)],
            ["cut in a header"] = Good[..(mdatAt + 5)],
            ["trailing bytes"] = [.. Good, 1, 2, 3],
            ["trailing box"] = [.. Good, 0, 0, 0, 8, (byte)'f', (byte)'r', (byte)'e', (byte)'e'],
            ["chunk outside mdat"] = badStco,
            ["mdat to the end"] = zeroSize,
            ["box smaller than its header"] = tinySize,
            ["64-bit mdat size"] = largeSize,
            ["64-bit size cut"] = largeSize[..(mdatAt + 12)],
            ["no moov"] = [.. Good[..moovAt], .. Good[mdatAt..]],
            ["moov first"] = [.. Good[moovAt..mdatAt], .. Good[..moovAt], .. Good[mdatAt..]],
        };
    }

    private static byte[] LargeMdat(byte[] body)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 1);
        "mdat"u8.CopyTo(header.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), (ulong)(body.Length + 16));
        return [.. header, .. body];
    }
}
