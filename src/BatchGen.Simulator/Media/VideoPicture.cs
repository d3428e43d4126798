using System.Collections.Concurrent;
using BatchGen.Simulator.H264;

namespace BatchGen.Simulator;

/// <summary>What a simulated video shows: who made it and from which settings.</summary>
internal sealed record VideoLabel(string Provider, string? Prompt, long? Seed, string? Style, string TaskId);

/// <summary>
/// Draws the first picture of a simulated video: a gradient and diagonal stripes whose colours follow the style and
/// seed (a sweep's variants differ at a glance), a band in the provider's colour, and the provider, seed, style, the
/// first words of the prompt and the frame size written in a bitmap font on a shaded panel, kept clear of the edges
/// the pan uncovers.
/// </summary>
internal static class VideoPicture
{
    private static readonly Rgb White = new(250, 250, 250);

    /// <summary>Bytes of background pictures kept for reuse; past it the cache starts again empty.</summary>
    private const long MaxCachedBackgroundBytes = 32L * 1024 * 1024;

    private static readonly ConcurrentDictionary<(int Width, int Height, string Provider, long? Seed, string? Style), Yuv420Picture> Backgrounds = new();
    private static long cachedBackgroundBytes;

    public static Yuv420Picture Draw(int width, int height, int durationSeconds, VideoLabel label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var picture = Background(width, height, label).Clone();
        DrawText(picture, width, height, durationSeconds, label);
        return picture;
    }

    /// <summary>
    /// The gradient, stripes and bands, which depend only on the size, provider, seed and style: drawn once and
    /// copied for every task that shares them (drawing them was most of the simulator's CPU per real video).
    /// </summary>
    private static Yuv420Picture Background(int width, int height, VideoLabel label)
    {
        var key = (width, height, label.Provider, label.Seed, label.Style);
        if (Backgrounds.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var picture = DrawBackground(width, height, label);
        if (Interlocked.Add(ref cachedBackgroundBytes, picture.SampleBytes) > MaxCachedBackgroundBytes)
        {
            Backgrounds.Clear();
            Interlocked.Exchange(ref cachedBackgroundBytes, picture.SampleBytes);
        }

        return Backgrounds.GetOrAdd(key, picture);
    }

    private static Yuv420Picture DrawBackground(int width, int height, VideoLabel label)
    {
        var picture = new Yuv420Picture(width, height);
        var styleHue = Hue(label.Style ?? "none");
        var seedHue = Hue("seed" + (label.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));
        var from = Rgb.FromHue(styleHue, 200);
        var to = Rgb.FromHue(seedHue, 120);
        var stripe = Math.Max(8, Math.Min(width, height) / 12);
        var span = Math.Max(1, picture.Stride + picture.Rows);
        picture.Fill((x, y) =>
        {
            var c = Rgb.Lerp(from, to, x + y, span);
            return ((x + (2 * y)) / stripe % 2) == 0 ? c : Rgb.Lerp(c, White, 1, 4);
        });

        var band = Math.Max(4, height / 18);
        picture.Rectangle(0, 0, picture.Stride, band, Rgb.FromHue(Hue(label.Provider) + 180, 230));
        picture.Rectangle(0, picture.Rows - band, picture.Stride, band, Rgb.FromHue(Hue(label.Provider) + 180, 230));
        return picture;
    }

    /// <summary>The shaded panel and the label's lines, centred.</summary>
    private static void DrawText(Yuv420Picture picture, int width, int height, int durationSeconds, VideoLabel label)
    {
        string[] lines =
        [
            label.Provider.ToUpperInvariant(),
            $"SEED {label.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}  STYLE {label.Style ?? "-"}",
            FirstWords(label.Prompt ?? string.Empty, 28),
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width}X{height}  {durationSeconds} S  {label.TaskId[..Math.Min(8, label.TaskId.Length)]}"),
        ];
        var margin = PanAmplitude(width, height) + Math.Max(4, Math.Min(width, height) / 40);
        var usable = Math.Max(8, width - (2 * margin));
        var baseScale = Math.Max(1, Math.Min(width, height) / 90);
        var scales = lines.Select((l, i) => Math.Clamp(usable / Math.Max(1, BitmapFont.Measure(l, 1)), 1, i == 0 ? baseScale * 2 : baseScale)).ToArray();
        var gap = Math.Max(2, baseScale * 3);
        var textHeight = scales.Sum(s => s * BitmapFont.GlyphHeight) + (gap * (lines.Length - 1));
        var panelWidth = lines.Select((l, i) => BitmapFont.Measure(l, scales[i])).Max() + (2 * gap);
        var top = (height - textHeight) / 2;
        picture.Shade((width - panelWidth) / 2, top - gap, panelWidth, textHeight + (2 * gap), 90);
        for (var i = 0; i < lines.Length; i++)
        {
            BitmapFont.Draw(picture, lines[i], (width - BitmapFont.Measure(lines[i], scales[i])) / 2, top, scales[i], White);
            top += (scales[i] * BitmapFont.GlyphHeight) + gap;
        }
    }

    /// <summary>How far (pixels) the pan moves the picture from its start, either way.</summary>
    public static int PanAmplitude(int width, int height) => Math.Max(4, Math.Min(width, height) / 24) & ~1;

    /// <summary>The whole-pixel offset of frame <paramref name="frame"/>: a triangle wave across, a slower one down.</summary>
    public static (int X, int Y) PanOffset(int frame, int width, int height)
    {
        var a = PanAmplitude(width, height);
        return (Triangle(frame * Math.Max(1, a / 12), a), Triangle(frame * Math.Max(1, a / 24), a / 2));
    }

    private static int Triangle(int t, int amplitude)
    {
        if (amplitude <= 0)
        {
            return 0;
        }

        var p = t % (4 * amplitude);
        return p <= amplitude ? p : p <= 3 * amplitude ? (2 * amplitude) - p : p - (4 * amplitude);
    }

    private static string FirstWords(string prompt, int max)
    {
        var words = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var text = string.Empty;
        foreach (var word in words)
        {
            var next = text.Length == 0 ? word : text + " " + word;
            if (next.Length > max)
            {
                return text.Length == 0 ? word[..max] : text + "...";
            }

            text = next;
        }

        return text;
    }

    private static int Hue(string text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return (int)(h % 360);
    }
}
