using System.Buffers.Binary;
using System.Text;

namespace BatchGen.Tests.Downloads;

/// <summary>Builds the smallest MP4 that <c>Mp4Probe</c> accepts: ftyp + moov{mvhd, trak{tkhd}} + mdat.</summary>
internal static class TestMp4
{
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

        var media = new byte[mediaBytes];
        new Random(width * 31 + height).NextBytes(media);

        var ftyp = Encoding.ASCII.GetBytes("isom\0\0\u0002\0isommp41");
        return [.. Box("ftyp", ftyp), .. Box("moov", [.. Box("mvhd", mvhd), .. Box("trak", Box("tkhd", tkhd))]), .. Box("mdat", media)];
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
