namespace BatchGen.Simulator.H264;

/// <summary>
/// An 8-bit 4:2:0 picture padded to whole macroblocks. Drawing is in RGB (BT.601, limited range); samples are kept
/// in 1..254 so that no run of zero bytes can appear in an I_PCM macroblock.
/// </summary>
internal sealed class Yuv420Picture
{
    private readonly byte[] _y;
    private readonly byte[] _u;
    private readonly byte[] _v;

    public Yuv420Picture(int width, int height)
    {
        Width = width;
        Height = height;
        Stride = (width + 15) / 16 * 16;
        Rows = (height + 15) / 16 * 16;
        _y = new byte[Stride * Rows];
        _u = new byte[Stride / 2 * (Rows / 2)];
        _v = new byte[Stride / 2 * (Rows / 2)];
    }

    private Yuv420Picture(Yuv420Picture other)
    {
        Width = other.Width;
        Height = other.Height;
        Stride = other.Stride;
        Rows = other.Rows;
        _y = (byte[])other._y.Clone();
        _u = (byte[])other._u.Clone();
        _v = (byte[])other._v.Clone();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Luma samples a row, padding included.</summary>
    public int Stride { get; }

    /// <summary>Luma rows, padding included.</summary>
    public int Rows { get; }

    /// <summary>Bytes held by the samples (padding included).</summary>
    public long SampleBytes => (long)_y.Length + _u.Length + _v.Length;

    /// <summary>An independent copy: drawing on it leaves this picture unchanged.</summary>
    public Yuv420Picture Clone() => new(this);

    /// <summary>Sets every luma sample and (at even positions) chroma sample from a colour function of (x, y) over the padded area.</summary>
    public void Fill(Func<int, int, Rgb> colour)
    {
        ArgumentNullException.ThrowIfNull(colour);
        for (var y = 0; y < Rows; y++)
        {
            for (var x = 0; x < Stride; x++)
            {
                Set(x, y, colour(x, y));
            }
        }
    }

    /// <summary>A filled rectangle, clipped to the padded picture.</summary>
    public void Rectangle(int x0, int y0, int width, int height, Rgb colour)
    {
        var x1 = Math.Min(Stride, x0 + width);
        var y1 = Math.Min(Rows, y0 + height);
        for (var y = Math.Max(0, y0); y < y1; y++)
        {
            for (var x = Math.Max(0, x0); x < x1; x++)
            {
                Set(x, y, colour);
            }
        }
    }

    /// <summary>Darkens (factor 0..256, 256 = unchanged) a rectangle's luma and pulls its chroma to grey: a text backdrop.</summary>
    public void Shade(int x0, int y0, int width, int height, int factor)
    {
        var x1 = Math.Min(Stride, x0 + width);
        var y1 = Math.Min(Rows, y0 + height);
        for (var y = Math.Max(0, y0); y < y1; y++)
        {
            for (var x = Math.Max(0, x0); x < x1; x++)
            {
                var i = (y * Stride) + x;
                _y[i] = Clamp(16 + (((_y[i] - 16) * factor) >> 8));
                if ((x & 1) == 0 && (y & 1) == 0)
                {
                    var c = ((y / 2) * (Stride / 2)) + (x / 2);
                    _u[c] = Clamp(128 + (((_u[c] - 128) * factor) >> 8));
                    _v[c] = Clamp(128 + (((_v[c] - 128) * factor) >> 8));
                }
            }
        }
    }

    public void Set(int x, int y, Rgb c)
    {
        _y[(y * Stride) + x] = Clamp(((66 * c.R) + (129 * c.G) + (25 * c.B) + 128 >> 8) + 16);
        if ((x & 1) == 0 && (y & 1) == 0)
        {
            var i = ((y / 2) * (Stride / 2)) + (x / 2);
            _u[i] = Clamp(((-38 * c.R) - (74 * c.G) + (112 * c.B) + 128 >> 8) + 128);
            _v[i] = Clamp(((112 * c.R) - (94 * c.G) - (18 * c.B) + 128 >> 8) + 128);
        }
    }

    /// <summary>The 384 samples of macroblock (mx, my) in I_PCM order: 16x16 luma, then 8x8 Cb, then 8x8 Cr, rows top down.</summary>
    public void CopyMacroblock(int mx, int my, Span<byte> destination)
    {
        for (var row = 0; row < 16; row++)
        {
            _y.AsSpan((((my * 16) + row) * Stride) + (mx * 16), 16).CopyTo(destination[(row * 16)..]);
        }

        var chromaStride = Stride / 2;
        for (var row = 0; row < 8; row++)
        {
            var at = (((my * 8) + row) * chromaStride) + (mx * 8);
            _u.AsSpan(at, 8).CopyTo(destination[(256 + (row * 8))..]);
            _v.AsSpan(at, 8).CopyTo(destination[(320 + (row * 8))..]);
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 1, 254);
}

/// <summary>An 8-bit sRGB colour.</summary>
internal readonly record struct Rgb(int R, int G, int B)
{
    public static Rgb Lerp(Rgb a, Rgb b, int t, int of) => new(
        a.R + ((b.R - a.R) * t / of),
        a.G + ((b.G - a.G) * t / of),
        a.B + ((b.B - a.B) * t / of));

    /// <summary>A saturated colour on the hue circle (0..359).</summary>
    public static Rgb FromHue(int hue, int lightness)
    {
        hue = ((hue % 360) + 360) % 360;
        var sector = hue / 60;
        var f = (hue % 60) * 255 / 60;
        var (r, g, b) = sector switch
        {
            0 => (255, f, 0),
            1 => (255 - f, 255, 0),
            2 => (0, 255, f),
            3 => (0, 255 - f, 255),
            4 => (f, 0, 255),
            _ => (255, 0, 255 - f),
        };
        return new Rgb(r * lightness / 255, g * lightness / 255, b * lightness / 255);
    }
}
