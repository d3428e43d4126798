using System.Buffers.Binary;
using System.Text;
using BatchGen.Simulator.H264;

namespace BatchGen.Simulator;

/// <summary>How a served file is damaged (fault injection); <see cref="None"/> for a good file.</summary>
internal enum Mp4Damage
{
    None,

    /// <summary>Sample description and sample tables empty: the boxes are consistent, but there is nothing to play.</summary>
    NoSamples,

    /// <summary>The chunk offset points past the end of the file.</summary>
    BrokenChunkOffset,

    /// <summary>The file is cut in the middle of <c>mdat</c> (served as a complete response of the shorter length).</summary>
    TruncatedMdat,
}

/// <summary>
/// Writes the boxes in front of the media data of a one-track H.264 MP4: <c>ftyp</c>, <c>moov</c> (<c>mvhd</c>, one
/// video <c>trak</c> with <c>tkhd</c>, <c>mdia</c>/<c>mdhd</c>/<c>hdlr</c>/<c>minf</c>/<c>vmhd</c>/<c>dinf</c>/<c>stbl</c>
/// holding <c>stsd</c>(<c>avc1</c>/<c>avcC</c>), <c>stts</c>, <c>stss</c>, <c>stsc</c>, <c>stsz</c>, <c>stco</c>),
/// then the <c>mdat</c> header. The samples follow in one chunk right after it (moov first: plays while downloading).
/// </summary>
internal static class Mp4Muxer
{
    /// <summary>Media timescale: ticks per second of the video track.</summary>
    public const int Timescale = 12_000;

    public static byte[] Header(H264Encoder encoder, byte[] sps, byte[] pps, IReadOnlyList<int> sampleSizes, Mp4Damage damage = Mp4Damage.None)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(sampleSizes);
        var frames = sampleSizes.Count;
        var delta = Timescale / encoder.FramesPerSecond;
        var mediaDuration = (uint)(frames * delta);
        var movieMs = (uint)((long)frames * 1000 / encoder.FramesPerSecond);
        long payload = 0;
        foreach (var s in sampleSizes)
        {
            payload += s;
        }

        var ftyp = Box("ftyp", [.. Ascii("isom"), .. U32(512), .. Ascii("isom"), .. Ascii("iso2"), .. Ascii("avc1"), .. Ascii("mp41")]);
        var mvhd = FullBox("mvhd", 0, 0, [.. U32(0), .. U32(0), .. U32(1000), .. U32(movieMs), .. U32(0x00010000), .. U16(0x0100), .. new byte[10], .. Matrix(), .. new byte[24], .. U32(2)]);
        var tkhd = FullBox("tkhd", 0, 3, [.. U32(0), .. U32(0), .. U32(1), .. U32(0), .. U32(movieMs), .. new byte[8], .. U16(0), .. U16(0), .. U16(0), .. U16(0), .. Matrix(), .. U32((uint)encoder.Width << 16), .. U32((uint)encoder.Height << 16)]);
        var mdhd = FullBox("mdhd", 0, 0, [.. U32(0), .. U32(0), .. U32(Timescale), .. U32(mediaDuration), .. U16(0x55C4), .. U16(0)]);
        var hdlr = FullBox("hdlr", 0, 0, [.. U32(0), .. Ascii("vide"), .. new byte[12], .. Ascii("VideoHandler"), 0]);
        var vmhd = FullBox("vmhd", 0, 1, [.. U16(0), .. new byte[6]]);
        var dinf = Box("dinf", FullBox("dref", 0, 0, [.. U32(1), .. FullBox("url ", 0, 1, [])]));

        byte[] StblWith(uint chunkOffset) => damage == Mp4Damage.NoSamples
            ? Box("stbl", [
                .. FullBox("stsd", 0, 0, U32(0)),
                .. FullBox("stts", 0, 0, U32(0)),
                .. FullBox("stsc", 0, 0, U32(0)),
                .. FullBox("stsz", 0, 0, [.. U32(0), .. U32(0)]),
                .. FullBox("stco", 0, 0, U32(0)),
            ])
            : Box("stbl", [
                .. FullBox("stsd", 0, 0, [.. U32(1), .. Avc1(encoder, sps, pps)]),
                .. FullBox("stts", 0, 0, [.. U32(1), .. U32((uint)frames), .. U32((uint)delta)]),
                .. FullBox("stss", 0, 0, [.. U32(1), .. U32(1)]),
                .. FullBox("stsc", 0, 0, [.. U32(1), .. U32(1), .. U32((uint)frames), .. U32(1)]),
                .. FullBox("stsz", 0, 0, [.. U32(0), .. U32((uint)frames), .. sampleSizes.SelectMany(s => U32((uint)s))]),
                .. FullBox("stco", 0, 0, [.. U32(1), .. U32(chunkOffset)]),
            ]);

        byte[] MoovWith(uint chunkOffset)
        {
            var minf = Box("minf", [.. vmhd, .. dinf, .. StblWith(chunkOffset)]);
            var mdia = Box("mdia", [.. mdhd, .. hdlr, .. minf]);
            var trak = Box("trak", [.. tkhd, .. mdia]);
            return Box("moov", [.. mvhd, .. trak]);
        }

        // The moov's size does not depend on the offset's value: measure with 0, then write the real one.
        var mdatHeaderSize = payload + 8 <= uint.MaxValue ? 8 : 16;
        var dataOffset = (long)ftyp.Length + MoovWith(0).Length + mdatHeaderSize;
        var total = dataOffset + payload;
        var offset = damage == Mp4Damage.BrokenChunkOffset ? total + 4096 : dataOffset;
        byte[] mdatHeader = mdatHeaderSize == 8
            ? [.. U32((uint)(payload + 8)), .. Ascii("mdat")]
            : [.. U32(1), .. Ascii("mdat"), .. U64((ulong)payload + 16)];
        return [.. ftyp, .. MoovWith((uint)offset), .. mdatHeader];
    }

    /// <summary>One sample: each NAL unit preceded by its 4-byte length (avcC lengthSizeMinusOne = 3).</summary>
    public static byte[] Sample(params byte[][] nalUnits)
    {
        ArgumentNullException.ThrowIfNull(nalUnits);
        var sample = new byte[nalUnits.Sum(n => n.Length + 4)];
        var at = 0;
        foreach (var nal in nalUnits)
        {
            BinaryPrimitives.WriteUInt32BigEndian(sample.AsSpan(at), (uint)nal.Length);
            nal.CopyTo(sample, at + 4);
            at += nal.Length + 4;
        }

        return sample;
    }

    private static byte[] Avc1(H264Encoder encoder, byte[] sps, byte[] pps)
    {
        byte[] avcC =
        [
            1, H264Encoder.ProfileIdc, H264Encoder.ProfileCompatibility, encoder.LevelIdc,
            0xFF, // reserved 6 bits + lengthSizeMinusOne = 3
            0xE1, // reserved 3 bits + one SPS
            .. U16((ushort)sps.Length), .. sps,
            1, .. U16((ushort)pps.Length), .. pps,
        ];
        var name = new byte[32];
        var label = Ascii("BatchGen simulator");
        name[0] = (byte)label.Length;
        label.CopyTo(name, 1);
        return Box("avc1", [
            .. new byte[6], .. U16(1), // reserved, data_reference_index
            .. U16(0), .. U16(0), .. new byte[12], // pre_defined, reserved, pre_defined[3]
            .. U16((ushort)encoder.Width), .. U16((ushort)encoder.Height),
            .. U32(0x00480000), .. U32(0x00480000), .. U32(0), .. U16(1), // 72 dpi, reserved, frame_count
            .. name, .. U16(0x0018), .. U16(0xFFFF), // compressorname, depth, pre_defined = -1
            .. Box("avcC", avcC),
        ]);
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
