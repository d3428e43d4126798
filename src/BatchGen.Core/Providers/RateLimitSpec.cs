using System.Globalization;

namespace BatchGen.Core.Providers;

/// <summary>A request rate such as <c>60/min</c>: <see cref="Permits"/> requests per <see cref="Period"/>.</summary>
public readonly record struct RateLimitSpec(int Permits, TimeSpan Period)
{
    public double PerSecond => Permits / Period.TotalSeconds;

    public override string ToString() => Period switch
    {
        { TotalSeconds: 1 } => $"{Permits}/s",
        { TotalMinutes: 1 } => $"{Permits}/min",
        { TotalHours: 1 } => $"{Permits}/h",
        _ => $"{Permits}/{Period.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
    };

    /// <summary>Parses <c>N/s</c>, <c>N/sec</c>, <c>N/min</c>, <c>N/m</c>, <c>N/h</c>, <c>N/hour</c>.</summary>
    public static bool TryParse(string? text, out RateLimitSpec spec)
    {
        spec = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var permits)
            || permits <= 0)
        {
            return false;
        }

        TimeSpan? period = parts[1].ToLowerInvariant() switch
        {
            "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
            "h" or "hour" => TimeSpan.FromHours(1),
            _ => null,
        };
        if (period is null)
        {
            return false;
        }

        spec = new RateLimitSpec(permits, period.Value);
        return true;
    }
}
