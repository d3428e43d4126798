using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BatchGen.Simulator;

/// <summary>
/// Images uploaded through Pixwith's <c>pre_url</c> flow: the upload slots it issued (a presigned-POST-like form with
/// an HMAC signature and a 10-minute expiry), the bytes stored, and how many uploads each image name received.
/// Also fetches the loopback image URLs other providers are given (an S3-compatible server in tests).
/// </summary>
internal sealed class SimImages : IDisposable
{
    /// <summary>Pixwith's documented upload limit (the lower of its two published figures).</summary>
    public const long MaxUploadBytes = 10 * 1024 * 1024;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, StoredImage> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _uploads = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public HttpClient Http => _http;

    /// <summary>Upload counts per image name (what <c>pre_url</c> was asked for), for <c>/_sim/stats</c>.</summary>
    public Dictionary<string, int> UploadCounts() => new(_uploads, StringComparer.Ordinal);

    /// <summary>The form fields of a new upload slot for <paramref name="name"/>, valid until <paramref name="expires"/>.</summary>
    public Dictionary<string, string> Issue(string name, string contentType, DateTimeOffset expires)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var policy = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token}|{name}|{contentType}|{expires.ToUnixTimeSeconds()}"));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["key"] = $"{token}/{name}",
            ["Content-Type"] = contentType,
            ["policy"] = policy,
            ["x-amz-signature"] = Sign(policy),
        };
    }

    /// <summary>Checks a posted form against the slot it claims and stores the file; the reason when refused.</summary>
    public string? Store(IReadOnlyDictionary<string, string> fields, byte[] file, DateTimeOffset now)
    {
        if (!fields.TryGetValue("policy", out var policy) || !fields.TryGetValue("x-amz-signature", out var signature)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(policy)), Encoding.ASCII.GetBytes(signature)))
        {
            return "SignatureDoesNotMatch";
        }

        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(policy)).Split('|');
        if (parts.Length != 4 || !fields.TryGetValue("key", out var key) || key != $"{parts[0]}/{parts[1]}"
            || !fields.TryGetValue("Content-Type", out var type) || type != parts[2])
        {
            return "AccessDenied";
        }

        if (now.ToUnixTimeSeconds() > long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture))
        {
            return "ExpiredToken";
        }

        if (file.Length > MaxUploadBytes)
        {
            return "EntityTooLarge";
        }

        _stored[key] = new StoredImage(file, type);
        _uploads.AddOrUpdate(parts[1], 1, (_, n) => n + 1);
        return null;
    }

    public StoredImage? Find(string key) => _stored.TryGetValue(key, out var image) ? image : null;

    public void Reset()
    {
        _stored.Clear();
        _uploads.Clear();
    }

    public void Dispose() => _http.Dispose();

    private string Sign(string policy) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(policy)));
}

/// <summary>An uploaded image's bytes and content type.</summary>
internal sealed record StoredImage(byte[] Bytes, string ContentType);
