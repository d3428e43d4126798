using System.Globalization;
using System.Text.Json;

namespace BatchGen.Core.Storage;

/// <summary>
/// The output store's settings as the ledger keeps them (meta <c>output_store</c>), so <c>report</c> and <c>export</c>
/// on a ledger alone can link to the stored videos. Addresses only: credentials are never written.
/// </summary>
public static class OutputStoreMeta
{
    public const string Key = "output_store";

    public static string ToJson(OutputStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = options.Store;
        return JsonSerializer.Serialize(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["bucket"] = s.Bucket,
            ["prefix"] = s.Prefix,
            ["endpoint"] = s.Endpoint?.ToString(),
            ["region"] = s.Region,
            ["public_base_url"] = s.PublicBaseUrl?.ToString(),
            ["force_path_style"] = s.ForcePathStyle ? "true" : "false",
            ["keep_local"] = options.KeepLocal ? "true" : "false",
            ["link_lifetime_seconds"] = ((long)options.LinkLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The settings back, or null when there are none or they cannot be read.</summary>
    public static OutputStoreOptions? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var d = JsonSerializer.Deserialize<Dictionary<string, string?>>(json);
            if (d is null || d.GetValueOrDefault("bucket") is not { } bucket)
            {
                return null;
            }

            var store = new S3StoreSettings(bucket, d.GetValueOrDefault("prefix") ?? string.Empty)
            {
                Endpoint = d.GetValueOrDefault("endpoint") is { } e ? new Uri(e) : null,
                Region = d.GetValueOrDefault("region"),
                PublicBaseUrl = d.GetValueOrDefault("public_base_url") is { } p ? new Uri(p) : null,
                ForcePathStyle = d.GetValueOrDefault("force_path_style") == "true",
            };
            var seconds = long.TryParse(d.GetValueOrDefault("link_lifetime_seconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            return new OutputStoreOptions(store)
            {
                KeepLocal = d.GetValueOrDefault("keep_local") != "false",
                LinkLifetime = seconds > 0 && seconds <= S3StoreDefaults.MaxLinkLifetime.TotalSeconds ? TimeSpan.FromSeconds(seconds) : S3StoreDefaults.LinkLifetime,
            };
        }
        catch (Exception ex) when (ex is JsonException or UriFormatException)
        {
            return null;
        }
    }
}
