using System.Globalization;
using Humanizer;

namespace BatchGen.Core.Text;

/// <summary>
/// Text a person reads: counts with their noun ("1 job", "1,234 jobs"), durations ("1 day, 3 hours"), sizes
/// ("1.4 MB") and money with two decimals ("$1,200.00"), all through Humanizer and culture-free. Machine output
/// (JSON, CSV) keeps full precision and never goes through here.
/// </summary>
public static class HumanText
{
    /// <summary>"1 job", "2 jobs", "1,234 jobs".</summary>
    public static string Quantity(long count, string singularNoun) =>
        singularNoun.ToQuantity(count, "#,0", CultureInfo.InvariantCulture);

    /// <summary>"1,234".</summary>
    public static string Count(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>The two largest units, days at most, seconds at least: "45 seconds", "2 minutes, 5 seconds", "1 day, 3 hours".</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1)
            ? "under a second"
            : span.Humanize(precision: 2, culture: CultureInfo.InvariantCulture, maxUnit: Humanizer.TimeUnit.Day, minUnit: Humanizer.TimeUnit.Second);

    /// <summary>"512 B", "1.4 MB".</summary>
    public static string Size(long bytes) => ByteSize.FromBytes(bytes).Humanize("0.#", CultureInfo.InvariantCulture);

    /// <summary>Money for people: two decimals and thousands separators ("$1,200.00").</summary>
    public static string Usd(decimal usd) =>
        (usd < 0 ? "-$" : "$") + Math.Abs(usd).ToString("#,0.00", CultureInfo.InvariantCulture);
}
