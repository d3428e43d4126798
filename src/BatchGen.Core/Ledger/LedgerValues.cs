using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Ledger;

/// <summary>
/// How ledger values are written: exact decimals, lowercase names, ISO-8601 UTC text times (PostgreSQL, and SQLite
/// ledgers before the schema step <c>compact_keys</c>); from that step on a SQLite ledger stores the times of
/// <c>jobs</c>, <c>events</c> and <c>outputs</c> as integers (<see cref="Ticks"/>) and an event's state as its code
/// (<see cref="StateCode"/>). Readers take either form (<see cref="ReadTime"/>, <see cref="ReadState"/>).
/// </summary>
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

    /// <summary>A time as an integer: 100-nanosecond units since 1970-01-01T00:00:00Z (the text form's precision, exactly).</summary>
    public static long Ticks(DateTimeOffset value) => value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    public static DateTimeOffset FromTicks(long ticks) => new(DateTimeOffset.UnixEpoch.UtcTicks + ticks, TimeSpan.Zero);

    /// <summary>A time column: an integer (<see cref="Ticks"/>) or the ISO-8601 text of older rows.</summary>
    public static DateTimeOffset ReadTime(System.Data.Common.DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(long) ? FromTicks(reader.GetInt64(ordinal)) : ParseTime(reader.GetString(ordinal));

    /// <summary>The code an event's state is stored as (<c>compact_keys</c>): fixed numbers, independent of the enum's order.</summary>
    public static long StateCode(JobState state) => state switch
    {
        JobState.Pending => 0,
        JobState.Submitting => 1,
        JobState.Submitted => 2,
        JobState.Running => 3,
        JobState.Generated => 4,
        JobState.Succeeded => 5,
        JobState.Failed => 6,
        JobState.Blocked => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "state has no ledger code"),
    };

    /// <summary>The state names by code, for SQL that decodes them (the <c>event_log</c> view, the migration).</summary>
    public static IEnumerable<(long Code, string Name)> StateCodes() =>
        Enum.GetValues<JobState>().Select(s => (StateCode(s), State(s)));

    /// <summary>A state column: a code (<see cref="StateCode"/>) or the lowercase name.</summary>
    public static JobState ReadState(System.Data.Common.DbDataReader reader, int ordinal)
    {
        if (reader.GetFieldType(ordinal) != typeof(long))
        {
            return ParseState(reader.GetString(ordinal));
        }

        var code = reader.GetInt64(ordinal);
        foreach (var state in Enum.GetValues<JobState>())
        {
            if (StateCode(state) == code)
            {
                return state;
            }
        }

        throw new FormatException($"unknown state code {code.ToString(CultureInfo.InvariantCulture)}");
    }

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
    public static JobSpec ParseSpec(string json, string? id = null, string? provider = null, Func<long, IReadOnlyList<string>?>? sharedAxes = null) =>
        LedgerSpecJson.Read(json, id, provider, sharedAxes);
}
