using System.Globalization;
using System.Net.Http.Headers;

namespace BatchGen.Core.Providers.Http;

/// <summary>
/// Reads the delay a provider asks for: the standard <c>Retry-After</c> header as the framework parsed it (delta
/// seconds or HTTP date), else Segmind's own reset time. Every delay is clamped to [0, <see cref="MaxDelay"/>].
/// </summary>
internal static class RetryAfterParser
{
    public const string SegmindResetHeader = "x-rate-limit-reset-at-utc";

    /// <summary>
    /// The longest wait a provider's reply can impose on its lane: 10 minutes. A larger value (an epoch timestamp sent
    /// as a delay, a date far ahead) would stall the provider for hours; after the wait the next 429 asks again.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>The delay from the reply's headers, relative to <paramref name="now"/>; null when none is given.</summary>
    public static TimeSpan? FromHeaders(HttpReply reply, DateTimeOffset now) =>
        FromRetryAfter(reply.RetryAfter, now) ?? ParseResetAt(reply.Header(SegmindResetHeader), now);

    /// <summary>
    /// <c>Retry-After: 120</c> or <c>Retry-After: Wed, 21 Oct 2015 07:28:00 GMT</c>, as
    /// <see cref="HttpResponseHeaders.RetryAfter"/> parsed it (a malformed, negative or out-of-range value is null there).
    /// </summary>
    public static TimeSpan? FromRetryAfter(RetryConditionHeaderValue? value, DateTimeOffset now) => value switch
    {
        { Delta: { } delta } => Clamp(delta.TotalSeconds),
        { Date: { } date } => Clamp((date - now).TotalSeconds),
        _ => null,
    };

    /// <summary>
    /// Segmind's absolute reset time: epoch seconds, epoch milliseconds or an ISO-8601/RFC 1123 date (UTC assumed).
    /// Garbage is null; any number, however large, gives a delay within the clamp.
    /// </summary>
    public static TimeSpan? ParseResetAt(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var epoch))
        {
            if (!double.IsFinite(epoch))
            {
                return MaxDelay;
            }

            var epochSeconds = epoch > 1e12 ? epoch / 1000 : epoch;
            return Clamp(epochSeconds - (now.ToUnixTimeMilliseconds() / 1000.0));
        }

        return DateTimeOffset.TryParse(
            value,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var date)
            ? Clamp((date - now).TotalSeconds)
            : null;
    }

    /// <summary>Seconds to a delay in [0, <see cref="MaxDelay"/>], computed in doubles so no value can overflow.</summary>
    private static TimeSpan Clamp(double seconds) =>
        seconds <= 0 ? TimeSpan.Zero
        : seconds >= MaxDelay.TotalSeconds ? MaxDelay
        : TimeSpan.FromSeconds(seconds);
}
