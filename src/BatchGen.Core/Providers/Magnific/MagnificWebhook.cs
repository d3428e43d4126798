using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BatchGen.Core.Providers.Magnific;

/// <summary>
/// Verifies Magnific webhook deliveries (Standard Webhooks style): headers <c>webhook-id</c>, <c>webhook-timestamp</c>
/// (Unix seconds) and <c>webhook-signature</c> (space-separated <c>v1,&lt;base64&gt;</c> entries), each
/// base64(HMAC-SHA256(secret, "{id}.{timestamp}.{raw body}")). Whether the dashboard secret is used as UTF-8 bytes or,
/// with a <c>whsec_</c> prefix, base64-decoded is not documented, so both are accepted.
/// </summary>
internal static class MagnificWebhook
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>Default tolerance between the delivery timestamp and now (replay protection).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>True when one of the signatures matches and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(
        string secret, string? id, string? timestamp, ReadOnlySpan<byte> body, string? signatures, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatures)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        var signed = new byte[Encoding.UTF8.GetByteCount(id) + timestamp!.Length + body.Length + 2];
        var written = Encoding.UTF8.GetBytes($"{id}.{timestamp}.", signed);
        body.CopyTo(signed.AsSpan(written));

        foreach (var key in SecretCandidates(secret))
        {
            var expected = HMACSHA256.HashData(key, signed);
            foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (entry.StartsWith("v1,", StringComparison.Ordinal) && TryBase64(entry[3..]) is { } actual
                    && CryptographicOperations.FixedTimeEquals(expected, actual))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<byte[]> SecretCandidates(string secret)
    {
        yield return Encoding.UTF8.GetBytes(secret);
        if (secret.StartsWith("whsec_", StringComparison.Ordinal) && TryBase64(secret[6..]) is { } decoded)
        {
            yield return decoded;
        }
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var length) ? buffer[..length] : null;
    }
}
