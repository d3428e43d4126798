using System.Globalization;

namespace BatchGen.Core.Media;

/// <summary>The frame size a resolution and aspect ratio stand for: the short side is the resolution's number.</summary>
public static class FrameSize
{
    /// <summary>
    /// E.g. 720p 16:9 is 1280x720, 720p 9:16 is 720x1280, 540p 4:3 is 720x540. Both sides rounded to even numbers.
    /// </summary>
    public static (int Width, int Height) For(string resolution, string aspectRatio)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(aspectRatio);
        var shortSide = int.Parse(resolution.TrimEnd('p', 'P'), NumberStyles.None, CultureInfo.InvariantCulture);
        var parts = aspectRatio.Split(':');
        var w = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        var h = int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
        if (w >= h)
        {
            return (Even((double)shortSide * w / h), shortSide);
        }

        return (shortSide, Even((double)shortSide * h / w));
    }

    private static int Even(double value) => (int)Math.Round(value / 2, MidpointRounding.AwayFromZero) * 2;
}
