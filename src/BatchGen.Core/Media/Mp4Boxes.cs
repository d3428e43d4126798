using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>
/// Walks the boxes nested in a box body held in memory. Bodies are slices of the caller's bytes (nothing is copied,
/// however deep the nesting); a malformed box ends the walk with <see cref="Malformed"/> set.
/// </summary>
internal ref struct Mp4Boxes
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public Mp4Boxes(ReadOnlySpan<byte> data)
    {
        _data = data;
        Type = default;
        Body = default;
        Malformed = false;
    }

    /// <summary>The current box's four-character type.</summary>
    public ReadOnlySpan<byte> Type { get; private set; }

    /// <summary>The current box's body (after its header).</summary>
    public ReadOnlySpan<byte> Body { get; private set; }

    /// <summary>The walk ended at a box whose size does not fit (the list of children ends there).</summary>
    public bool Malformed { get; private set; }

    /// <summary>Moves to the next child; false at the end or at a malformed box (then <see cref="Malformed"/>).</summary>
    public bool MoveNext()
    {
        if (Malformed || _offset + 8 > _data.Length)
        {
            return false;
        }

        var data = _data;
        var offset = _offset;
        long boxSize = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
        var headerSize = 8;
        if (boxSize == 1 && offset + 16 <= data.Length)
        {
            boxSize = (long)BinaryPrimitives.ReadUInt64BigEndian(data[(offset + 8)..]);
            headerSize = 16;
        }
        else if (boxSize == 0)
        {
            boxSize = data.Length - offset;
        }

        if (boxSize < headerSize || offset + boxSize > data.Length)
        {
            Malformed = true;
            Type = default;
            Body = default;
            return false;
        }

        Type = data.Slice(offset + 4, 4);
        Body = data.Slice(offset + headerSize, (int)boxSize - headerSize);
        _offset = offset + (int)boxSize;
        return true;
    }

    /// <summary>The body of the first child of <paramref name="type"/> (a slice of <paramref name="data"/>); false when none comes before the end or a malformed box.</summary>
    public static bool TryFind(ReadOnlySpan<byte> data, ReadOnlySpan<byte> type, out ReadOnlySpan<byte> body)
    {
        var boxes = new Mp4Boxes(data);
        while (boxes.MoveNext())
        {
            if (boxes.Type.SequenceEqual(type))
            {
                body = boxes.Body;
                return true;
            }
        }

        body = default;
        return false;
    }
}
