using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BatchGen.TestSupport;

/// <summary>Small, well-formed images built byte by byte (PNG with real CRCs and zlib data, JPEG and WebP headers).</summary>
public static class TestImages
{
    /// <summary>
    /// A valid RGB PNG; <paramref name="shade"/> changes its content (and hash); <paramref name="padding"/> bytes go in a
    /// private ancillary chunk (decoders skip it) to make a large file of a small picture.
    /// </summary>
    public static byte[] Png(int width, int height, byte shade = 0x80, int padding = 0)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8;
        header[9] = 2;
        Chunk(output, "IHDR", header);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            {
                var row = new byte[1 + (width * 3)];
                Array.Fill(row, shade, 1, width * 3);
                for (var y = 0; y < height; y++)
                {
                    z.Write(row);
                }
            }

            Chunk(output, "IDAT", raw.ToArray());
        }

        if (padding > 0)
        {
            Chunk(output, "raNd", new byte[padding]);
        }

        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A baseline JPEG's structure: SOI, APP0, SOF0 with the frame size, SOS, a few data bytes, EOI.</summary>
    public static byte[] Jpeg(int width, int height)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        bytes.AddRange([0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8.ToArray(), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x0B, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        bytes.AddRange([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56, 0xFF, 0xD9]);
        return [.. bytes];
    }

    /// <summary>A lossless WebP header (VP8L) with the frame size.</summary>
    public static byte[] WebPLossless(int width, int height)
    {
        var body = new byte[10];
        body[0] = 0x2F;
        var bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(1), bits);
        var riff = new List<byte>();
        riff.AddRange("RIFF"u8.ToArray());
        riff.AddRange(BitConverter.GetBytes((uint)(4 + 8 + body.Length)));
        riff.AddRange("WEBPVP8L"u8.ToArray());
        riff.AddRange(BitConverter.GetBytes((uint)body.Length));
        riff.AddRange(body);
        return [.. riff];
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        output.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc(typed));
        output.Write(length);
    }

    private static uint Crc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
