using System.Buffers.Binary;

namespace BatchGen.Core.Images;

/// <summary>
/// Reads an image's structure without decoding its pixels: enough to know that a provider will be able to open it.
/// PNG: signature, IHDR first, every chunk's CRC, IEND at the end. JPEG: SOI, segment lengths up to a SOF with the
/// frame size, EOI at the end. WebP: RIFF size, a VP8/VP8L/VP8X chunk and its frame size.
/// </summary>
public static class ImageDecoder
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The image's format and size, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static ImageInfo? Decode(ReadOnlySpan<byte> data, out string? problem)
    {
        if (data.StartsWith(PngSignature))
        {
            return Png(data, out problem);
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return Jpeg(data, out problem);
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return WebP(data, out problem);
        }

        problem = data.Length == 0 ? "is empty" : "is not a PNG, JPEG or WebP image";
        return null;
    }

    private static ImageInfo? Png(ReadOnlySpan<byte> data, out string? problem)
    {
        var at = PngSignature.Length;
        ImageInfo? info = null;
        while (at + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            if (length > int.MaxValue || at + 12L + length > data.Length)
            {
                problem = "is a truncated PNG (a chunk runs past the end of the file)";
                return null;
            }

            var type = data.Slice(at + 4, 4);
            var body = data.Slice(at + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data[(at + 8 + (int)length)..]);
            if (PngCrc.Compute(data.Slice(at + 4, 4 + (int)length)) != crc)
            {
                problem = $"is a damaged PNG (bad CRC in chunk {System.Text.Encoding.ASCII.GetString(type)})";
                return null;
            }

            if (info is null)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13)
                {
                    problem = "is a damaged PNG (IHDR is not the first chunk)";
                    return null;
                }

                info = new ImageInfo(ImageFormat.Png, (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body)), (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[4..])));
            }

            at += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8))
            {
                return Sized(info, out problem);
            }
        }

        problem = "is a truncated PNG (no IEND chunk)";
        return null;
    }

    private static ImageInfo? Jpeg(ReadOnlySpan<byte> data, out string? problem)
    {
        var at = 2;
        ImageInfo? info = null;
        while (info is null)
        {
            while (at < data.Length && data[at] == 0xFF && at + 1 < data.Length && data[at + 1] == 0xFF)
            {
                at++; // fill bytes
            }

            if (at + 4 > data.Length || data[at] != 0xFF)
            {
                problem = "is a truncated or damaged JPEG (no frame header)";
                return null;
            }

            var marker = data[at + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            if (length < 2 || at + 2 + length > data.Length)
            {
                problem = "is a truncated JPEG (a segment runs past the end of the file)";
                return null;
            }

            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 8)
                {
                    problem = "is a damaged JPEG (short frame header)";
                    return null;
                }

                info = new ImageInfo(ImageFormat.Jpeg, BinaryPrimitives.ReadUInt16BigEndian(data[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(at + 5)..]));
            }
            else if (marker == 0xDA)
            {
                problem = "is a damaged JPEG (image data before any frame header)";
                return null;
            }

            at += 2 + length;
        }

        // The entropy-coded data ends with EOI; trailing padding after it is common and harmless.
        var end = data.TrimEnd((byte)0);
        if (end.Length < at + 2 || end[^2] != 0xFF || end[^1] != 0xD9)
        {
            problem = "is a truncated JPEG (no end-of-image marker)";
            return null;
        }

        return Sized(info, out problem);
    }

    private static ImageInfo? WebP(ReadOnlySpan<byte> data, out string? problem)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize + 8L > data.Length || data.Length < 30)
        {
            problem = "is a truncated WebP (shorter than its RIFF header says)";
            return null;
        }

        var chunk = data.Slice(12, 4);
        var body = data[20..];
        ImageInfo? info = null;
        if (chunk.SequenceEqual("VP8 "u8) && body.Length >= 10 && body[3] == 0x9D && body[4] == 0x01 && body[5] == 0x2A)
        {
            info = new ImageInfo(ImageFormat.WebP, BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFF);
        }
        else if (chunk.SequenceEqual("VP8L"u8) && body.Length >= 5 && body[0] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
            info = new ImageInfo(ImageFormat.WebP, (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        else if (chunk.SequenceEqual("VP8X"u8) && body.Length >= 10)
        {
            info = new ImageInfo(ImageFormat.WebP, (body[4] | (body[5] << 8) | (body[6] << 16)) + 1, (body[7] | (body[8] << 8) | (body[9] << 16)) + 1);
        }

        if (info is null)
        {
            problem = "is a damaged WebP (no VP8, VP8L or VP8X frame header)";
            return null;
        }

        return Sized(info, out problem);
    }

    private static ImageInfo? Sized(ImageInfo? info, out string? problem)
    {
        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            problem = "has no pixels (width or height is 0)";
            return null;
        }

        problem = null;
        return info;
    }
}
