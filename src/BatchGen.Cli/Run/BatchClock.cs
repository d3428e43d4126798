using System.Globalization;

namespace BatchGen.Cli.Run;

/// <summary>
/// "Now" for naming batches ({date}, {time}, {datetime}) and for the day and month of the period caps. The
/// environment variable <c>BATCHGEN_NOW</c> (an ISO 8601 time with offset) fixes it: a testing hook, so a test can
/// run a batch "last night" and resume it "this morning". Timeouts and rates always use the real clock.
/// </summary>
internal sealed class BatchClock
{
    public const string Variable = "BATCHGEN_NOW";

    private readonly TimeProvider _time;
    private readonly DateTimeOffset? _fixed;

    private BatchClock(TimeProvider time, DateTimeOffset? fixedNow)
    {
        _time = time;
        _fixed = fixedNow;
    }

    public DateTimeOffset Now() => _fixed ?? _time.GetUtcNow();

    public static bool TryRead(TimeProvider time, out BatchClock clock, out string? error)
    {
        error = null;
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            clock = new BatchClock(time, null);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            clock = new BatchClock(time, value.ToUniversalTime());
            return true;
        }

        clock = new BatchClock(time, null);
        error = $"{Variable}='{text}' is not a time (use ISO 8601, e.g. 2026-11-28T02:00:00+01:00)";
        return false;
    }
}
