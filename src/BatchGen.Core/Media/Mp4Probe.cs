using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>What an MP4 (ISO BMFF) file says about itself.</summary>
public sealed record Mp4Info(TimeSpan Duration, int Width, int Height, long Length)
{
    /// <summary>The video sample entry's four-character code: <c>avc1</c>, <c>avc3</c>, <c>hvc1</c>, <c>hev1</c>, <c>av01</c> or <c>vp09</c>.</summary>
    public string Codec { get; init; } = string.Empty;

    /// <summary>Samples (frames) in the video track.</summary>
    public long Samples { get; init; }
}

/// <summary>
/// Checks that an MP4 file is complete and playable as far as its container goes, without loading the media data:
/// <c>ftyp</c> first, every top-level box inside the file (a truncated download fails here), a <c>moov</c> with a
/// video track whose sample description names a known codec, sample tables (<c>stts</c>, <c>stsz</c>, <c>stsc</c>,
/// <c>stco</c>/<c>co64</c>) that agree with each other and put every sample inside an <c>mdat</c>, and a duration
/// above zero. Reads the duration from <c>mvhd</c> (or the track's <c>mdhd</c>) and the frame size from the video
/// track's <c>tkhd</c> (or its sample entry).
/// </summary>
public static class Mp4Probe
{
    /// <summary>Video sample entries accepted as a playable track.</summary>
    public static readonly IReadOnlySet<string> VideoCodecs = new HashSet<string>(StringComparer.Ordinal) { "avc1", "avc3", "hvc1", "hev1", "av01", "vp09" };

    private const int MaxMoovBytes = 64 * 1024 * 1024;

    /// <summary>Probes a file on disk. Returns an error message instead of throwing for malformed files.</summary>
    public static async Task<(Mp4Info? Info, string? Error)> ProbeFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new SynchronousFileReads(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.None));
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
        byte[]? moov = null;
        var mdats = new List<(long Start, long End)>();

        while (position < length)
        {
            if (length - position < 8)
            {
                return (null, $"trailing {length - position} bytes at offset {position} are not a box (truncated)");
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
                    return (null, $"box '{type}' at offset {position} is cut short (truncated)");
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

                moov = new byte[bodySize];
                await stream.ReadExactlyAsync(moov, cancellationToken).ConfigureAwait(false);
            }
            else if (type == "mdat")
            {
                mdats.Add((position + headerSize, position + boxSize));
            }

            position += boxSize;
        }

        if (first)
        {
            return (null, "file is empty");
        }

        if (moov is null)
        {
            return (null, "no moov box (no track description)");
        }

        return Mp4Tracks.Check(moov, mdats, length);
    }
}
