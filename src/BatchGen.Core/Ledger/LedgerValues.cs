using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Ledger;

/// <summary>How ledger values are written as SQLite text: exact decimals, ISO-8601 UTC times, lowercase names.</summary>
internal static class LedgerValues
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly JsonSerializerOptions SpecJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

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

    public static string Spec(JobSpec spec) => JsonSerializer.Serialize(spec, SpecJson);

    public static JobSpec ParseSpec(string json) =>
        JsonSerializer.Deserialize<JobSpec>(json, SpecJson)
        ?? throw new JsonException("spec_json is null");
}
