using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Ledger;

/// <summary>How ledger values are written as SQLite text: exact decimals, ISO-8601 UTC times, lowercase names.</summary>
internal static class LedgerValues
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(
            text,
            TimeFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Money as invariant decimal text ("0.0125"): exact, never a binary float.</summary>
    public static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal ParseMoney(string text) =>
        decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string State(JobState state) => state.ToString().ToLowerInvariant();

    public static JobState ParseState(string text) => Enum.Parse<JobState>(text, ignoreCase: true);

    public static string ErrorClassName(ErrorClass value) => value.ToString().ToLowerInvariant();

    public static ErrorClass ParseErrorClass(string text) => Enum.Parse<ErrorClass>(text, ignoreCase: true);

    /// <summary>The job as a row's <c>spec_json</c>: the compact form (see <see cref="LedgerSpecJson"/>).</summary>
    public static string Spec(JobSpec spec) => LedgerSpecJson.Write(spec);

    /// <summary>A row's <c>spec_json</c> back to the job; <paramref name="id"/> and <paramref name="provider"/> are the row's columns.</summary>
    public static JobSpec ParseSpec(string json, string? id = null, string? provider = null) => LedgerSpecJson.Read(json, id, provider);
}
