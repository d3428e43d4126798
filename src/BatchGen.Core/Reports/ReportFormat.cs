using System.Globalization;

namespace BatchGen.Core.Reports;

/// <summary>Invariant, stable text for numbers and times in every report.</summary>
internal static class ReportFormat
{
    /// <summary>Money in USD: at least 2, at most 6 decimals ("1.50", "0.123456").</summary>
    public static string Money(decimal usd) => usd.ToString("0.00####", CultureInfo.InvariantCulture);

    public static string Money(decimal? usd) => usd is { } value ? Money(value) : string.Empty;

    /// <summary>Seconds with one decimal ("52.3").</summary>
    public static string Seconds(double? seconds) =>
        seconds is { } value ? value.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A fraction 0..1 with 4 decimals ("0.6667").</summary>
    public static string Ratio(double? ratio) =>
        ratio is { } value ? value.ToString("0.0###", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A percentage with one decimal ("66.7%").</summary>
    public static string Percent(double? ratio) =>
        ratio is { } value ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    /// <summary>UTC ISO 8601 with seconds ("2026-11-21T07:40:00Z"), or fractional seconds when present.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) : string.Empty;

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Integer(long? value) => value is { } v ? Integer(v) : string.Empty;

    public static string Bool(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => string.Empty,
    };
}
