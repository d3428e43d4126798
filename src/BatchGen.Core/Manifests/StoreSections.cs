using System.Globalization;
using BatchGen.Core.Manifests.Yaml;
using BatchGen.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Reads the manifest's object stores: <c>image_store:</c> (a store mapping) and <c>output.store</c> (an
/// <c>s3://bucket/prefix</c> URI, the word <c>image_store</c>, or a store mapping), with <c>output.keep_local</c> and
/// <c>output.link_lifetime</c>. The schema has checked the shapes; this checks the values and reports each problem
/// at its position.
/// </summary>
internal static class StoreSections
{
    /// <summary>A store mapping, or null (reported) when a value is invalid.</summary>
    public static S3StoreSettings? ReadMapping(YamlMappingNode node, string field, string file, DiagnosticBag bag)
    {
        string? Text(string key, out SourceMark mark)
        {
            if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar && !scalar.IsNull())
            {
                mark = scalar.MarkOf(file);
                return scalar.Value;
            }

            mark = node.MarkOf(file);
            return null;
        }

        var errors = bag.ErrorCount;
        var bucket = Text("bucket", out var bucketMark) ?? string.Empty;
        if (S3StoreSettings.BucketProblem(bucket) is { } bucketProblem)
        {
            bag.Error(bucketMark, field + ".bucket", bucketProblem);
        }

        var prefix = Text("prefix", out var prefixMark) ?? string.Empty;
        if (S3StoreSettings.PrefixProblem(prefix) is { } prefixProblem)
        {
            bag.Error(prefixMark, field + ".prefix", prefixProblem);
        }

        var endpoint = HttpUrl(Text("endpoint", out var endpointMark), endpointMark, field + ".endpoint", bag);
        var publicBase = HttpUrl(Text("public_base_url", out var publicMark), publicMark, field + ".public_base_url", bag);
        var pathStyle = Text("force_path_style", out _) is { } style ? style == "true" : endpoint is not null;
        return bag.ErrorCount > errors
            ? null
            : new S3StoreSettings(bucket, S3StoreSettings.NormalizePrefix(prefix))
            {
                Endpoint = endpoint,
                Region = Text("region", out _),
                PublicBaseUrl = publicBase,
                ForcePathStyle = pathStyle,
            };
    }

    /// <summary>
    /// <c>output.store</c>: a mapping, <c>image_store</c>, or <c>s3://bucket/prefix</c> (connection settings from
    /// <paramref name="imageStore"/> when there is one).
    /// </summary>
    public static S3StoreSettings? ReadOutputStore(YamlNode node, S3StoreSettings? imageStore, bool imageStoreGiven, string file, DiagnosticBag bag)
    {
        if (node is YamlMappingNode mapping)
        {
            return ReadMapping(mapping, "output.store", file, bag);
        }

        if (node is not YamlScalarNode { Value: { } text } scalar)
        {
            return null;
        }

        var mark = scalar.MarkOf(file);
        if (text == "image_store")
        {
            if (imageStore is null && !imageStoreGiven)
            {
                bag.Error(mark, "output.store", "'image_store' names the image_store section, which this manifest does not have; add it or give an s3://bucket/prefix URI");
            }

            return imageStore;
        }

        var parsed = S3StoreSettings.FromUri(text, out var problem);
        if (parsed is null)
        {
            bag.Error(mark, "output.store", problem!);
            return null;
        }

        return imageStore is null
            ? parsed
            : parsed with { Endpoint = imageStore.Endpoint, Region = imageStore.Region, ForcePathStyle = imageStore.ForcePathStyle, PublicBaseUrl = null };
    }

    /// <summary><c>output.link_lifetime</c>: <c>90m</c>, <c>12h</c>, <c>7d</c>; at most 7 days.</summary>
    public static TimeSpan? ReadLifetime(YamlScalarNode scalar, string file, DiagnosticBag bag)
    {
        var text = scalar.Value ?? string.Empty;
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var lifetime = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(Math.Min(count, 1_000_000)),
            'h' => TimeSpan.FromHours(Math.Min(count, 1_000_000)),
            _ => TimeSpan.FromDays(Math.Min(count, 1_000_000)),
        };
        if (lifetime > S3StoreDefaults.MaxLinkLifetime)
        {
            bag.Error(scalar.MarkOf(file), "output.link_lifetime", $"'{text}' is longer than the 7 days a presigned S3 link can live");
            return null;
        }

        return lifetime;
    }

    private static Uri? HttpUrl(string? text, SourceMark mark, string field, DiagnosticBag bag)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo))
        {
            return uri;
        }

        bag.Error(mark, field, $"'{text}' is not an absolute http or https URL without query or credentials");
        return null;
    }
}
