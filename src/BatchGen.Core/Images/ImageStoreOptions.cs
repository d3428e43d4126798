namespace BatchGen.Core.Images;

/// <summary>
/// <c>image_store:</c>, the S3-compatible bucket local images are uploaded to for every provider except Pixwith (which
/// has its own upload). Credentials come from the AWS SDK's usual sources (environment, profile), never the manifest.
/// </summary>
public sealed record ImageStoreOptions
{
    /// <summary>Service URL of an S3-compatible server (path-style addressing); null for AWS S3 itself.</summary>
    public string? Endpoint { get; init; }

    public required string Bucket { get; init; }

    /// <summary>Key prefix; objects are named <c>{prefix}{sha256}.{ext}</c>.</summary>
    public string Prefix { get; init; } = string.Empty;

    public string Region { get; init; } = "us-east-1";

    /// <summary>When the bucket is public: objects are passed as this base + key instead of a presigned GET URL.</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>The object key of an image.</summary>
    public string KeyOf(LocalImage image) => $"{Prefix}{image.Sha256}.{image.Info?.Extension ?? "bin"}";
}
