using System.Globalization;

namespace BatchGen.Cli.Rendering;

internal static class Format
{
    public static string Usd(decimal value) => "$" + value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Usd(decimal? value) => value is { } v ? Usd(v) : "unknown";

    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span)
    {
        if (span.TotalDays >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours}h {span.Minutes}m");
        }

        if (span.TotalHours >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes}m");
        }

        return span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m {span.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(span.TotalSeconds))}s");
    }
}
