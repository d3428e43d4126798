using System.Buffers.Binary;
using System.Text;

namespace BatchGen.Simulator;

/// <summary>
/// A synthetic but well-formed MP4 (ISO BMFF) file: <c>ftyp</c>, then <c>moov</c> (an <c>mvhd</c> with the duration,
/// one video <c>trak</c> whose <c>tkhd</c> carries the frame size, empty sample tables), then an <c>mdat</c> whose
/// payload size follows the bitrate. Only the few hundred header bytes are held in memory.
/// </summary>
internal sealed class Mp4Layout
{
    private Mp4Layout(byte[] header, long payloadLength)
    {
        Header = header;
        PayloadLength = payloadLength;
    }

    /// <summary>ftyp + moov + the mdat box header.</summary>
    public byte[] Header { get; }

    public long PayloadLength { get; }

    public long Length => Header.Length + PayloadLength;

    /// <summary>Bytes of media data for a frame size, duration and bitrate (kbit/s at 1280x720, scaled by pixel count).</summary>
    public static long PayloadBytes(int width, int height, int durationSeconds, int kbpsAt720p)
    {
        var pixels = (double)width * height / (1280.0 * 720.0);
        return (long)(kbpsAt720p * 1000.0 / 8.0 * durationSeconds * pixels);
    }

    public static Mp4Layout Create(int width, int height, int durationSeconds, long payloadLength)
    {
        var ms = (uint)(durationSeconds * 1000);
        var ftyp = Box("ftyp", [.. Ascii("isom"), .. U32(512), .. Ascii("isom"), .. Ascii("iso2"), .. Ascii("avc1"), .. Ascii("mp41")]);
        var mvhd = FullBox("mvhd", 0, 0, [.. U32(0), .. U32(0), .. U32(1000), .. U32(ms), .. U32(0x00010000), .. U16(0x0100), .. new byte[10], .. Matrix(), .. new byte[24], .. U32(2)]);
        var tkhd = FullBox("tkhd", 0, 3, [.. U32(0), .. U32(0), .. U32(1), .. U32(0), .. U32(ms), .. new byte[8], .. U16(0), .. U16(0), .. U16(0), .. U16(0), .. Matrix(), .. U32((uint)width << 16), .. U32((uint)height << 16)]);
        var mdhd = FullBox("mdhd", 0, 0, [.. U32(0), .. U32(0), .. U32(1000), .. U32(ms), .. U16(0x55C4), .. U16(0)]);
        var hdlr = FullBox("hdlr", 0, 0, [.. U32(0), .. Ascii("vide"), .. new byte[12], .. Ascii("VideoHandler"), 0]);
        var vmhd = FullBox("vmhd", 0, 1, [.. U16(0), .. new byte[6]]);
        var dinf = Box("dinf", FullBox("dref", 0, 0, [.. U32(1), .. FullBox("url ", 0, 1, [])]));
        var stbl = Box("stbl", [
            .. FullBox("stsd", 0, 0, U32(0)),
            .. FullBox("stts", 0, 0, U32(0)),
            .. FullBox("stsc", 0, 0, U32(0)),
            .. FullBox("stsz", 0, 0, [.. U32(0), .. U32(0)]),
            .. FullBox("stco", 0, 0, U32(0)),
        ]);
        var minf = Box("minf", [.. vmhd, .. dinf, .. stbl]);
        var mdia = Box("mdia", [.. mdhd, .. hdlr, .. minf]);
        var trak = Box("trak", [.. tkhd, .. mdia]);
        var moov = Box("moov", [.. mvhd, .. trak]);
        byte[] mdatHeader = payloadLength + 8 <= uint.MaxValue
            ? [.. U32((uint)(payloadLength + 8)), .. Ascii("mdat")]
            : [.. U32(1), .. Ascii("mdat"), .. U64((ulong)payloadLength + 16)];
        return new Mp4Layout([.. ftyp, .. moov, .. mdatHeader], payloadLength);
    }

    private static byte[] Box(string type, byte[] body) => [.. U32((uint)(body.Length + 8)), .. Ascii(type), .. body];

    private static byte[] FullBox(string type, byte version, uint flags, byte[] body) =>
        Box(type, [version, (byte)(flags >> 16), (byte)(flags >> 8), (byte)flags, .. body]);

    private static byte[] Matrix() =>
        [.. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x40000000)];

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] U16(ushort value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return b;
    }

    private static byte[] U32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    private static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
