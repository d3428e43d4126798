using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>
/// Cross-checks a track's sample tables: <c>stts</c> and <c>stsz</c> count the same samples (more than zero), and
/// <c>stsc</c> with <c>stco</c>/<c>co64</c> places every sample, at its <c>stsz</c> size, inside an <c>mdat</c>.
/// </summary>
internal static class Mp4SampleTable
{
    public static (long Samples, string? Error) Check(ReadOnlySpan<byte> stbl, List<(long Start, long End)> mdats, long length)
    {
        if (!Mp4Boxes.TryFind(stbl, "stsz"u8, out var stsz) || stsz.Length < 12)
        {
            return (0, "video track has no sample size table (stsz)");
        }

        var fixedSize = BinaryPrimitives.ReadUInt32BigEndian(stsz[4..]);
        var count = (long)BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]);
        if (count == 0)
        {
            return (0, "video track has no samples (stsz is empty)");
        }

        if (fixedSize == 0 && stsz.Length < 12 + (count * 4))
        {
            return (0, $"sample size table (stsz) lists {count} samples but holds fewer sizes");
        }

        if (!Mp4Boxes.TryFind(stbl, "stts"u8, out var stts) || stts.Length < 8)
        {
            return (0, "video track has no time-to-sample table (stts)");
        }

        var sttsEntries = BinaryPrimitives.ReadUInt32BigEndian(stts[4..]);
        if (stts.Length < 8 + (sttsEntries * 8L))
        {
            return (0, "time-to-sample table (stts) is cut short");
        }

        long timed = 0;
        for (var i = 0; i < sttsEntries; i++)
        {
            timed += BinaryPrimitives.ReadUInt32BigEndian(stts[(8 + (i * 8))..]);
        }

        if (timed != count)
        {
            return (0, $"time-to-sample table (stts) covers {timed} samples, the size table (stsz) {count}");
        }

        var offsets = ChunkOffsets(stbl, out var offsetError);
        if (offsets is null)
        {
            return (0, offsetError);
        }

        if (!Mp4Boxes.TryFind(stbl, "stsc"u8, out var stsc) || stsc.Length < 8)
        {
            return (0, "video track has no sample-to-chunk table (stsc)");
        }

        var stscEntries = (int)BinaryPrimitives.ReadUInt32BigEndian(stsc[4..]);
        if (stscEntries == 0 || stsc.Length < 8 + (stscEntries * 12L))
        {
            return (0, "sample-to-chunk table (stsc) is empty or cut short");
        }

        long sample = 0;
        for (var e = 0; e < stscEntries; e++)
        {
            var firstChunk = (long)BinaryPrimitives.ReadUInt32BigEndian(stsc[(8 + (e * 12))..]);
            var perChunk = (long)BinaryPrimitives.ReadUInt32BigEndian(stsc[(12 + (e * 12))..]);
            var nextFirst = e + 1 < stscEntries ? BinaryPrimitives.ReadUInt32BigEndian(stsc[(8 + ((e + 1) * 12))..]) : offsets.Count + 1L;
            if (firstChunk < 1 || nextFirst <= firstChunk || nextFirst > offsets.Count + 1L)
            {
                return (0, "sample-to-chunk table (stsc) is out of order or names chunks that do not exist");
            }

            for (var chunk = firstChunk; chunk < nextFirst && sample < count; chunk++)
            {
                var start = offsets[(int)(chunk - 1)];
                var end = start;
                for (var k = 0; k < perChunk && sample < count; k++, sample++)
                {
                    end += fixedSize != 0 ? fixedSize : BinaryPrimitives.ReadUInt32BigEndian(stsz[(12 + (int)(sample * 4))..]);
                }

                if (end > length)
                {
                    return (0, $"chunk {chunk} (offset {start}) points past the end of the file ({length} bytes) (broken stco)");
                }

                if (!InsideAny(mdats, start, end))
                {
                    return (0, $"chunk {chunk} (bytes {start}-{end}) is not inside an mdat box (broken stco)");
                }
            }
        }

        if (sample < count)
        {
            return (0, $"the chunks hold {sample} of the {count} samples");
        }

        return (count, null);
    }

    private static bool InsideAny(List<(long Start, long End)> mdats, long start, long end)
    {
        foreach (var (mdatStart, mdatEnd) in mdats)
        {
            if (start >= mdatStart && end <= mdatEnd)
            {
                return true;
            }
        }

        return false;
    }

    private static List<long>? ChunkOffsets(ReadOnlySpan<byte> stbl, out string? error)
    {
        error = null;
        var hasStco = Mp4Boxes.TryFind(stbl, "stco"u8, out var table);
        if ((!hasStco && !Mp4Boxes.TryFind(stbl, "co64"u8, out table)) || table.Length < 8)
        {
            error = "video track has no chunk offset table (stco/co64)";
            return null;
        }

        var width = hasStco ? 4 : 8;
        var n = BinaryPrimitives.ReadUInt32BigEndian(table[4..]);
        if (n == 0 || table.Length < 8 + (n * (long)width))
        {
            error = "chunk offset table (stco/co64) is empty or cut short";
            return null;
        }

        var offsets = new List<long>((int)n);
        for (var i = 0; i < n; i++)
        {
            offsets.Add(width == 4
                ? BinaryPrimitives.ReadUInt32BigEndian(table[(8 + (i * 4))..])
                : (long)BinaryPrimitives.ReadUInt64BigEndian(table[(8 + (i * 8))..]));
        }

        return offsets;
    }
}
