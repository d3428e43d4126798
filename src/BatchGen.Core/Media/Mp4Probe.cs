using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>What an MP4 (ISO BMFF) file says about itself.</summary>
public sealed record Mp4Info(TimeSpan Duration, int Width, int Height, long Length);

/// <summary>
/// Reads the top-level boxes of an MP4 file without loading the media data: checks that <c>ftyp</c> comes first,
/// that every box fits in the file (a truncated download fails here), and reads the duration from <c>moov/mvhd</c>
/// and the frame size from the first <c>moov/trak/tkhd</c> with a non-zero size.
/// </summary>
public static class Mp4Probe
{
    private const int MaxMoovBytes = 16 * 1024 * 1024;

    /// <summary>Probes a file on disk. Returns an error message instead of throwing for malformed files.</summary>
    public static async Task<(Mp4Info? Info, string? Error)> ProbeFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        return await ProbeAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Probes a seekable stream from its start.</summary>
    public static async Task<(Mp4Info? Info, string? Error)> ProbeAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = stream.Length;
        var header = new byte[16];
        long position = 0;
        var first = true;
        TimeSpan? duration = null;
        (int W, int H)? size = null;

        while (position < length)
        {
            if (length - position < 8)
            {
                return (null, $"trailing {length - position} bytes at offset {position} are not a box");
            }

            stream.Position = position;
            await stream.ReadExactlyAsync(header.AsMemory(0, 8), cancellationToken).ConfigureAwait(false);
            long boxSize = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            var headerSize = 8;
            if (boxSize == 1)
            {
                if (length - position < 16)
                {
                    return (null, $"box '{type}' at offset {position} is cut short");
                }

                await stream.ReadExactlyAsync(header.AsMemory(8, 8), cancellationToken).ConfigureAwait(false);
                boxSize = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerSize = 16;
            }
            else if (boxSize == 0)
            {
                boxSize = length - position;
            }

            if (boxSize < headerSize)
            {
                return (null, $"box '{type}' at offset {position} has invalid size {boxSize}");
            }

            if (position + boxSize > length)
            {
                return (null, $"box '{type}' at offset {position} needs {boxSize} bytes but the file ends after {length - position} (truncated)");
            }

            if (first && type != "ftyp")
            {
                return (null, $"first box is '{type}', expected 'ftyp' (not an MP4 file)");
            }

            first = false;
            if (type == "moov")
            {
                var bodySize = boxSize - headerSize;
                if (bodySize > MaxMoovBytes)
                {
                    return (null, $"moov box of {bodySize} bytes is too large");
                }

                var body = new byte[bodySize];
                await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
                var error = ParseMoov(body, ref duration, ref size);
                if (error is not null)
                {
                    return (null, error);
                }
            }

            position += boxSize;
        }

        if (first)
        {
            return (null, "file is empty");
        }

        if (duration is null)
        {
            return (null, "no moov/mvhd box (no duration)");
        }

        if (size is null)
        {
            return (null, "no moov/trak/tkhd box with a frame size");
        }

        return (new Mp4Info(duration.Value, size.Value.W, size.Value.H, length), null);
    }

    private static string? ParseMoov(ReadOnlySpan<byte> moov, ref TimeSpan? duration, ref (int W, int H)? size)
    {
        foreach (var (type, body) in Children(moov))
        {
            if (type.Length == 0)
            {
                return "moov holds a malformed box";
            }

            if (type == "mvhd")
            {
                duration = ReadMvhd(body);
                if (duration is null)
                {
                    return "mvhd box is malformed";
                }
            }
            else if (type == "trak" && size is null)
            {
                foreach (var (childType, child) in Children(body))
                {
                    if (childType == "tkhd")
                    {
                        var wh = ReadTkhd(child);
                        if (wh is { W: > 0, H: > 0 })
                        {
                            size = wh;
                        }
                    }
                }
            }
        }

        return null;
    }

    private static List<(string Type, byte[] Body)> Children(ReadOnlySpan<byte> data)
    {
        var result = new List<(string, byte[])>();
        var offset = 0;
        while (offset + 8 <= data.Length)
        {
            var boxSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[offset..]), int.MaxValue);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            if (boxSize < 8 || offset + boxSize > data.Length)
            {
                result.Add((string.Empty, []));
                return result;
            }

            result.Add((type, data.Slice(offset + 8, boxSize - 8).ToArray()));
            offset += boxSize;
        }

        return result;
    }

    private static TimeSpan? ReadMvhd(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            return null;
        }

        var version = body[0];
        if (version == 1)
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
