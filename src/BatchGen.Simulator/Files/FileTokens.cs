using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace BatchGen.Simulator;

/// <summary>What a signed download token names.</summary>
internal sealed record FileClaim(string Provider, string TaskId, int Index, DateTimeOffset ExpiresAt);

/// <summary>
/// Signed, unguessable download tokens like a cloud storage signed URL: base64url(task id, output index, expiry) plus an
/// HMAC-SHA256 (truncated to 128 bits) under a key drawn at start.
/// </summary>
internal sealed class FileTokens(byte[] key)
{
    public string Create(string provider, string taskId, int index, DateTimeOffset expiresAt)
    {
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{taskId}\n{index}\n{expiresAt.ToUnixTimeMilliseconds()}"));
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Sign(provider, payload));
    }

    public FileClaim? Read(string provider, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        byte[] payload;
        byte[] mac;
        try
        {
            payload = WebEncoders.Base64UrlDecode(token[..dot]);
            mac = WebEncoders.Base64UrlDecode(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, Sign(provider, payload)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        if (parts.Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return null;
        }

        return new FileClaim(provider, parts[0], index, DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }

    private byte[] Sign(string provider, byte[] payload)
    {
        var name = Encoding.UTF8.GetBytes(provider);
        var data = new byte[name.Length + 1 + payload.Length];
        name.CopyTo(data, 0);
        data[name.Length] = 0;
        payload.CopyTo(data, name.Length + 1);
        var full = HMACSHA256.HashData(key, data);
        return full[..16];
    }
}
