using System.Globalization;

namespace BatchGen.Core.Manifests;

/// <summary>
/// The moment a batch's names are rendered for, in its time zone: <c>{date}</c> (2026-11-28), <c>{time}</c> (0200) and
/// <c>{datetime}</c> (2026-11-28T0200). Each renders to one safe path segment (digits, '-' and 'T'). Fixed when a
/// batch starts and recorded in its ledger, so a resume the next day keeps last night's names.
/// </summary>
public sealed record BatchTime(DateTimeOffset Local, TimeZoneInfo Zone)
{
    /// <summary>The template variables this type renders.</summary>
    public static readonly IReadOnlyList<string> Variables = ["date", "time", "datetime"];

    public static BatchTime Now(TimeZoneInfo zone, DateTimeOffset utcNow)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(utcNow, zone);
        // Minutes are the finest unit rendered: a batch started at 02:00:37 is the 0200 batch.
        return new BatchTime(new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, local.Offset), zone);
    }

    public string Date => Local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string Time => Local.ToString("HHmm", CultureInfo.InvariantCulture);

    public string DateTime => Local.ToString("yyyy-MM-dd'T'HHmm", CultureInfo.InvariantCulture);

    /// <summary>The value of {date}, {time} or {datetime}; null for any other name.</summary>
    public string? Lookup(string variable) => variable switch
    {
        "date" => Date,
        "time" => Time,
        "datetime" => DateTime,
        _ => null,
    };

    /// <summary>
    /// Finds a time zone by IANA (or Windows) id; <c>local</c> or empty is the machine's. Null when unknown.
    /// </summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Equals("local", StringComparison.OrdinalIgnoreCase))
        {
            return TimeZoneInfo.Local;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }
}
