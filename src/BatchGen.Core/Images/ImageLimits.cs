using System.Globalization;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Images;

/// <summary>
/// What each provider takes as a first frame (docs/RESEARCH.md): Pixwith's own upload takes JPEG/PNG up to 10 MB
/// (its skill; its MCP contract says 20 MB, the lower figure is used); the others pass the URL to PixVerse, whose
/// upload takes PNG/WebP/JPEG under 20 MB and at most 4000 px on a side (the documented figure; a newer summary
/// says 10000 px). No aspect-ratio limit is documented, so none is checked.
/// </summary>
public sealed record ImageLimits(IReadOnlyList<ImageFormat> Formats, long MaxBytes, int MaxSide)
{
    public const long MiB = 1024 * 1024;

    public static ImageLimits PixVerse { get; } = new([ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.WebP], 20 * MiB, 4000);

    public static ImageLimits Pixwith { get; } = new([ImageFormat.Png, ImageFormat.Jpeg], 10 * MiB, 4000);

    /// <summary>The largest file any provider takes: bigger files are not read to be hashed.</summary>
    public static long LargestAccepted => PixVerse.MaxBytes;

    public static ImageLimits For(string provider) => provider == ProviderNames.Pixwith ? Pixwith : PixVerse;

    /// <summary>Why <paramref name="provider"/> would refuse this image, or null when it is within its limits.</summary>
    public string? Problem(string provider, long bytes, ImageInfo? info)
    {
        if (bytes > MaxBytes)
        {
            return $"is {Size(bytes)}, over {provider}'s limit of {Size(MaxBytes)}";
        }

        if (info is null)
        {
            return null;
        }

        if (!Formats.Contains(info.Format))
        {
            return $"is {info.Format.ToString().ToUpperInvariant()}, which {provider} does not take (it takes {string.Join(", ", Formats.Select(f => f.ToString().ToUpperInvariant()))})";
        }

        if (info.Width > MaxSide || info.Height > MaxSide)
        {
            return string.Create(CultureInfo.InvariantCulture, $"is {info.Width}x{info.Height} px, over {provider}'s limit of {MaxSide} px on a side");
        }

        return null;
    }

    public static string Size(long bytes) => bytes >= MiB
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:0.#} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
