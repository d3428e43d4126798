using System.Buffers.Binary;
using System.Text;

namespace BatchGen.Tests.Downloads;

/// <summary>
/// Builds a small MP4 whose container <c>Mp4Probe</c> accepts: ftyp + moov{mvhd, trak{tkhd, mdia{mdhd, hdlr,
/// minf{stbl{stsd(avc1), stts, stsc, stsz, stco}}}}} + mdat holding ten samples of random bytes (not decodable).
/// </summary>
internal static class TestMp4
{
    private const int Samples = 10;

    public static byte[] Build(double durationSeconds, int width, int height, int mediaBytes = 300_000)
    {
        var mvhd = new byte[100];
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(12), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(16), (uint)Math.Round(durationSeconds * 1000));
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(20), 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(96), 2);

        var tkhd = new byte[84];
        tkhd[3] = 3;
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(76), (uint)width << 16);
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(80), (uint)height << 16);

        var mdhd = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(mdhd.AsSpan(12), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(mdhd.AsSpan(16), (uint)Math.Round(durationSeconds * 1000));
        byte[] hdlr = [0, 0, 0, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes("vide"), .. new byte[13]];
        var entry = new byte[78];
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(24), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(26), (ushort)height);

        mediaBytes = Math.Max(Samples, mediaBytes / Samples * Samples);
        var media = new byte[mediaBytes];
        new Random((width * 31) + height).NextBytes(media);

        byte[] Moov(uint offset) => Box("moov", [
            .. Box("mvhd", mvhd),
            .. Box("trak", [
                .. Box("tkhd", tkhd),
                .. Box("mdia", [
                    .. Box("mdhd", mdhd),
                    .. Box("hdlr", hdlr),
                    .. Box("minf", Box("stbl", [
                        .. Box("stsd", [.. U32(0), .. U32(1), .. Box("avc1", entry)]),
                        .. Box("stts", [.. U32(0), .. U32(1), .. U32(Samples), .. U32((uint)Math.Round(durationSeconds * 1000 / Samples))]),
                        .. Box("stsc", [.. U32(0), .. U32(1), .. U32(1), .. U32(Samples), .. U32(1)]),
                        .. Box("stsz", [.. U32(0), .. U32((uint)(mediaBytes / Samples)), .. U32(Samples)]),
                        .. Box("stco", [.. U32(0), .. U32(1), .. U32(offset)]),
                    ])),
                ]),
            ]),
        ]);

        var ftyp = Box("ftyp", Encoding.ASCII.GetBytes("isom\0\0\u0002\0isommp41"));
        var offset = (uint)(ftyp.Length + Moov(0).Length + 8);
        return [.. ftyp, .. Moov(offset), .. Box("mdat", media)];
    }

    /// <summary>A playable test MP4 (5.2 s, 1280x720) of exactly <paramref name="totalBytes"/> bytes: media, then a <c>free</c> box for the rest.</summary>
    public static byte[] BuildOfSize(int totalBytes)
    {
        var header = Build(5.2, 1280, 720, mediaBytes: Samples).Length - Samples;
        var media = Math.Max(Samples, (totalBytes - header - 8) / Samples * Samples);
        var padding = totalBytes - header - media - 8;
        if (padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, $"at least {header + Samples + 8} bytes");
        }

        return [.. Build(5.2, 1280, 720, media), .. Box("free", new byte[padding])];
    }

    private static byte[] U32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    private static byte[] Box(string type, byte[] body)
    {
        var box = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        body.CopyTo(box, 8);
        return box;
    }
}
