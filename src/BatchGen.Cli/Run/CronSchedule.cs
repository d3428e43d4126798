using Cronos;

namespace BatchGen.Cli.Run;

/// <summary>A parsed cron expression (Cronos): the next occurrence after a time, in a time zone.</summary>
internal sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, string text)
    {
        _expression = expression;
        Text = text;
    }

    public string Text { get; }

    public static bool TryParse(string text, out CronSchedule? schedule, out string? error)
    {
        try
        {
            schedule = new CronSchedule(CronExpression.Parse(text.Trim(), CronFormat.Standard), text.Trim());
            error = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            schedule = null;
            error = $"'{text}' is not a five-field cron expression ({ex.Message})";
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>; null when there is none (e.g. 30 February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone) => _expression.GetNextOccurrence(after, zone);
}
