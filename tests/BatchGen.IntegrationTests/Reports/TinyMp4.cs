using System.Buffers.Binary;
using System.Text;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>
/// Writes a small, structurally valid MP4 (ftyp, moov with mvhd and one video trak/tkhd, mdat) with a given
/// duration and frame size: enough for <c>Mp4Probe</c> and for a browser to read its metadata.
/// </summary>
internal static class TinyMp4
{
    public static byte[] Create(TimeSpan duration, int width, int height)
    {
        const uint timescale = 1000;
        var units = (uint)duration.TotalMilliseconds;
        var mvhd = FullBox("mvhd", body =>
        {
            body.Write(new byte[8]);                      // creation, modification
            WriteU32(body, timescale);
            WriteU32(body, units);
            WriteU32(body, 0x00010000);                   // rate 1.0
            body.Write([0x01, 0x00, 0, 0]);               // volume 1.0, reserved
            body.Write(new byte[8]);
            WriteMatrix(body);
            body.Write(new byte[24]);                     // pre_defined
            WriteU32(body, 2);                            // next track id
        });
        var tkhd = FullBox("tkhd", body =>
        {
            body.Write(new byte[8]);
            WriteU32(body, 1);                            // track id
            WriteU32(body, 0);
            WriteU32(body, units);
            body.Write(new byte[8]);
            body.Write(new byte[4]);                      // layer, alternate group
            body.Write(new byte[4]);                      // volume, reserved
            WriteMatrix(body);
            WriteU32(body, (uint)width << 16);
            WriteU32(body, (uint)height << 16);
        }, flags: 3);
        var moov = Box("moov", mvhd, Box("trak", tkhd));
        var mdat = Box("mdat", new byte[64]);
        return [.. Box("ftyp", Encoding.ASCII.GetBytes("isom"), [0, 0, 2, 0], Encoding.ASCII.GetBytes("isomiso2mp41")), .. moov, .. mdat];
    }

    private static byte[] Box(string type, params byte[][] children)
    {
        var length = 8 + children.Sum(c => c.Length);
        var box = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        var offset = 8;
        foreach (var child in children)
        {
            child.CopyTo(box, offset);
            offset += child.Length;
        }

        return box;
    }

    private static byte[] FullBox(string type, Action<MemoryStream> write, uint flags = 0)
    {
        using var body = new MemoryStream();
        WriteU32(body, flags);                            // version 0 + flags
        write(body);
        return Box(type, body.ToArray());
    }

    private static void WriteMatrix(MemoryStream body)
    {
        foreach (var value in new uint[] { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 })
        {
            WriteU32(body, value);
        }
    }

    private static void WriteU32(MemoryStream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        stream.Write(bytes);
    }
}
