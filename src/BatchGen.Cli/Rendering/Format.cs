using BatchGen.Core.Text;

namespace BatchGen.Cli.Rendering;

/// <summary>Numbers, money, durations and plurals for people (see <see cref="HumanText"/>); machine output never goes through here.</summary>
internal static class Format
{
    /// <summary>Two decimals: "$1,200.00".</summary>
    public static string Usd(decimal value) => HumanText.Usd(value);

    public static string Usd(decimal? value) => value is { } v ? Usd(v) : "unknown";

    /// <summary>Money with " (simulated)" after it when the run used the simulator.</summary>
    public static string Usd(decimal value, bool simulated) => Usd(value) + (simulated ? " (simulated)" : string.Empty);

    public static string Count(long value) => HumanText.Count(value);

    /// <summary>"1 job", "12 jobs".</summary>
    public static string Quantity(long count, string singularNoun) => HumanText.Quantity(count, singularNoun);

    /// <summary>"45 seconds", "2 minutes, 5 seconds", "1 day, 3 hours": never wraps at 24 hours.</summary>
    public static string Duration(TimeSpan span) => HumanText.Duration(span);

    public static string Size(long bytes) => HumanText.Size(bytes);
}
