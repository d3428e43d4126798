namespace BatchGen.Core.Storage;

/// <summary>
/// Where an S3-compatible object store lives and how to address it: the manifest's <c>image_store:</c> mapping, or
/// <c>output.store</c> (an <c>s3://bucket/prefix</c> URI or the same mapping). Credentials are not part of it: the
/// AWS SDK reads them from its usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws).
/// </summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Prefix">Key prefix, empty or ending in '/'.</param>
public sealed record S3StoreSettings(string Bucket, string Prefix)
{
    /// <summary>A custom service URL (MinIO, s3rver, R2...); null for AWS itself (the region picks the endpoint).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region; null: AWS_REGION, else <see cref="S3StoreDefaults.Region"/>.</summary>
    public string? Region { get; init; }

    /// <summary>When the bucket is public: objects are linked as this base plus the key, never presigned.</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>For messages: <c>s3://bucket/prefix</c> (never credentials; the endpoint when it is not AWS).</summary>
    public string Display => $"s3://{Bucket}/{Prefix}" + (Endpoint is null ? string.Empty : $" at {Endpoint.GetLeftPart(UriPartial.Authority)}");

    /// <summary>The object key for a path relative to the store (a job's output path), with '/' separators.</summary>
    public string KeyFor(string relativePath) => Prefix + relativePath.Replace('\\', '/').TrimStart('/');

    /// <summary>
    /// Parses <c>s3://bucket[/prefix]</c>. Null with <paramref name="problem"/> set when it is not one.
    /// </summary>
    public static S3StoreSettings? FromUri(string text, out string? problem)
    {
        problem = null;
        if (!text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"'{text}' is not an s3://bucket/prefix URI (nor the word image_store)";
            return null;
        }

        var rest = text["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        problem = BucketProblem(bucket) ?? PrefixProblem(prefix);
        return problem is null ? new S3StoreSettings(bucket, NormalizePrefix(prefix)) : null;
    }

    /// <summary>Why <paramref name="bucket"/> is not a valid bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).</summary>
    public static string? BucketProblem(string bucket)
    {
        if (bucket.Length is < 3 or > 63)
        {
            return $"bucket name '{bucket}' must be 3 to 63 characters long";
        }

        if (!bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            || !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return $"bucket name '{bucket}' may hold only lower-case letters, digits, '.' and '-', and must start and end with a letter or digit";
        }

        return null;
    }

    /// <summary>Why <paramref name="prefix"/> cannot prefix keys (control characters, '..' segments, over 512 bytes).</summary>
    public static string? PrefixProblem(string prefix)
    {
        if (prefix.Any(char.IsControl) || prefix.Split('/').Any(s => s is ".." or "."))
        {
            return $"prefix '{prefix}' may not hold control characters or '.'/'..' segments";
        }

        return System.Text.Encoding.UTF8.GetByteCount(prefix) > 512 ? "prefix is longer than 512 bytes" : null;
    }

    /// <summary>Empty, or without a leading '/' and with exactly one trailing '/'.</summary>
    public static string NormalizePrefix(string prefix)
    {
        var trimmed = prefix.Trim('/');
        return trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }
}
