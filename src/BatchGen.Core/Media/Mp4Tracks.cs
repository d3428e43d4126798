using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>Reads and cross-checks the <c>moov</c> of an MP4: the video track, its sample description and tables.</summary>
internal static class Mp4Tracks
{
    public static (Mp4Info? Info, string? Error) Check(ReadOnlySpan<byte> moov, List<(long Start, long End)> mdats, long length)
    {
        TimeSpan? movieDuration = null;
        string? lastProblem = null;
        var children = new Mp4Boxes(moov);
        while (children.MoveNext())
        {
            if (children.Type.SequenceEqual("mvhd"u8))
            {
                movieDuration = ReadMvhd(children.Body);
                if (movieDuration is null)
                {
                    return (null, "mvhd box is malformed");
                }
            }
        }

        if (children.Malformed)
        {
            return (null, "moov holds a malformed box");
        }

        var tracks = new Mp4Boxes(moov);
        while (tracks.MoveNext())
        {
            if (!tracks.Type.SequenceEqual("trak"u8))
            {
                continue;
            }

            var (info, problem) = CheckTrack(tracks.Body, mdats, length);
            if (info is null)
            {
                lastProblem ??= problem;
                continue;
            }

            var duration = movieDuration is { Ticks: > 0 } d ? d : info.Duration;
            if (duration <= TimeSpan.Zero)
            {
                return (null, "the duration is zero");
            }

            return (info with { Duration = duration }, null);
        }

        return (null, lastProblem ?? "no video track (no trak with a 'vide' handler)");
    }

    private static (Mp4Info? Info, string? Error) CheckTrack(ReadOnlySpan<byte> trak, List<(long Start, long End)> mdats, long length)
    {
        var hasTkhd = Mp4Boxes.TryFind(trak, "tkhd"u8, out var tkhd);
        if (!Mp4Boxes.TryFind(trak, "mdia"u8, out var mdia))
        {
            return (null, "track has no mdia box");
        }

        if (!Mp4Boxes.TryFind(mdia, "hdlr"u8, out var hdlr) || hdlr.Length < 12 || !hdlr.Slice(8, 4).SequenceEqual("vide"u8))
        {
            return (null, "no video track (no trak with a 'vide' handler)");
        }

        var hasMdhd = Mp4Boxes.TryFind(mdia, "mdhd"u8, out var mdhd);
        if (!Mp4Boxes.TryFind(mdia, "minf"u8, out var minf) || !Mp4Boxes.TryFind(minf, "stbl"u8, out var stbl))
        {
            return (null, "video track has no sample table (stbl)");
        }

        if (!Mp4Boxes.TryFind(stbl, "stsd"u8, out var stsd) || stsd.Length < 8 || BinaryPrimitives.ReadUInt32BigEndian(stsd[4..]) == 0)
        {
            return (null, "video track has no samples: its sample description (stsd) is empty");
        }

        var entries = new Mp4Boxes(stsd[8..]);
        if (!entries.MoveNext())
        {
            return (null, "video track's sample description (stsd) is malformed");
        }

        var codec = System.Text.Encoding.ASCII.GetString(entries.Type);
        var entry = entries.Body;
        if (!Mp4Probe.VideoCodecs.Contains(codec))
        {
            return (null, $"video track's codec '{codec}' is not one of {string.Join('/', Mp4Probe.VideoCodecs)}");
        }

        var (samples, tableError) = Mp4SampleTable.Check(stbl, mdats, length);
        if (tableError is not null)
        {
            return (null, tableError);
        }

        var (w, h) = !hasTkhd ? (0, 0) : ReadTkhd(tkhd) ?? (0, 0);
        if ((w == 0 || h == 0) && entry.Length >= 28)
        {
            // VisualSampleEntry: reserved(6) data_reference_index(2) pre_defined/reserved(16) width(2) height(2).
            w = BinaryPrimitives.ReadUInt16BigEndian(entry[24..]);
            h = BinaryPrimitives.ReadUInt16BigEndian(entry[26..]);
        }

        if (w == 0 || h == 0)
        {
            return (null, "video track has no frame size");
        }

        var mediaDuration = !hasMdhd ? TimeSpan.Zero : ReadMdhd(mdhd) ?? TimeSpan.Zero;
        return (new Mp4Info(mediaDuration, w, h, length) { Codec = codec, Samples = samples }, null);
    }

    private static TimeSpan? ReadMvhd(ReadOnlySpan<byte> body) => ReadTimeAndDuration(body);

    private static TimeSpan? ReadMdhd(ReadOnlySpan<byte> body) => ReadTimeAndDuration(body);

    /// <summary>mvhd and mdhd share the layout up to the duration.</summary>
    private static TimeSpan? ReadTimeAndDuration(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            return null;
        }

        if (body[0] == 1)
        {
            // version(1) flags(3) creation(8) modification(8) timescale(4) duration(8)
            if (body.Length < 32)
            {
                return null;
            }

            var timescale = BinaryPrimitives.ReadUInt32BigEndian(body[20..]);
            var units = BinaryPrimitives.ReadUInt64BigEndian(body[24..]);
            return timescale == 0 ? null : TimeSpan.FromSeconds((double)units / timescale);
        }

        // version(1) flags(3) creation(4) modification(4) timescale(4) duration(4)
        if (body.Length < 20)
        {
            return null;
        }

        var ts = BinaryPrimitives.ReadUInt32BigEndian(body[12..]);
        var dur = BinaryPrimitives.ReadUInt32BigEndian(body[16..]);
        return ts == 0 ? null : TimeSpan.FromSeconds((double)dur / ts);
    }

    private static (int W, int H)? ReadTkhd(ReadOnlySpan<byte> body)
    {
        // Width and height are the last 8 bytes, 16.16 fixed point: 84 bytes (v0) or 96 bytes (v1) in all.
        var expected = body.Length > 0 && body[0] == 1 ? 96 : 84;
        if (body.Length < expected)
        {
            return null;
        }

        var width = (int)(BinaryPrimitives.ReadUInt32BigEndian(body[(expected - 8)..]) >> 16);
        var height = (int)(BinaryPrimitives.ReadUInt32BigEndian(body[(expected - 4)..]) >> 16);
        return (width, height);
    }
}
