using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>Walks the boxes nested in a box body held in memory.</summary>
internal static class Mp4Boxes
{
    /// <summary>The child boxes in order; a malformed one ends the list as an entry with an empty type.</summary>
    public static List<(string Type, byte[] Body)> Children(ReadOnlySpan<byte> data)
    {
        var result = new List<(string, byte[])>();
        var offset = 0;
        while (offset + 8 <= data.Length)
        {
            long boxSize = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
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
                result.Add((string.Empty, []));
                return result;
            }

            result.Add((type, data.Slice(offset + headerSize, (int)boxSize - headerSize).ToArray()));
            offset += (int)boxSize;
        }

        return result;
    }

    /// <summary>The body of the first child of <paramref name="type"/>, or null.</summary>
    public static byte[]? Find(ReadOnlySpan<byte> data, string type)
    {
        foreach (var (t, body) in Children(data))
        {
            if (t == type)
            {
                return body;
            }
        }

        return null;
    }
}
