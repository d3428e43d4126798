using System.Globalization;

namespace BatchGen.Core.Providers.Http;

/// <summary>Reads the delay a provider asks for: <c>Retry-After</c> (seconds or HTTP date) or Segmind's reset time.</summary>
internal static class RetryAfterParser
{
    public const string RetryAfterHeader = "Retry-After";
    public const string SegmindResetHeader = "x-rate-limit-reset-at-utc";

    /// <summary>The delay from the reply's headers, relative to <paramref name="now"/>; null when none is given.</summary>
    public static TimeSpan? FromHeaders(HttpReply reply, DateTimeOffset now) =>
        ParseRetryAfter(reply.Header(RetryAfterHeader), now) ?? ParseResetAt(reply.Header(SegmindResetHeader), now);

    /// <summary><c>Retry-After: 120</c> or <c>Retry-After: Wed, 21 Oct 2015 07:28:00 GMT</c>.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return Clamp(TimeSpan.FromSeconds(seconds));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Clamp(at - now)
            : null;
    }

    /// <summary>An absolute reset time: epoch seconds, epoch milliseconds or an ISO-8601/RFC 1123 date (UTC assumed).</summary>
    public static TimeSpan? ParseResetAt(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var epoch))
        {
            var at = epoch > 1e12
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)epoch)
                : DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch * 1000));
            return Clamp(at - now);
        }

        return DateTimeOffset.TryParse(
            value,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var date)
            ? Clamp(date - now)
            : null;
    }

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : delay;
}
