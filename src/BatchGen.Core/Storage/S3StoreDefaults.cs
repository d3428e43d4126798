namespace BatchGen.Core.Storage;

/// <summary>Defaults of the object store.</summary>
public static class S3StoreDefaults
{
    /// <summary>The signing region when neither the settings nor AWS_REGION name one.</summary>
    public const string Region = "us-east-1";

    /// <summary>Files larger than this are uploaded in parts (S3 allows at most 5 GiB in one PUT).</summary>
    public const long MultipartThreshold = 16L * 1024 * 1024;

    /// <summary>The size of each part of a multipart upload (S3's minimum is 5 MiB, its maximum 10,000 parts).</summary>
    public const long PartSize = 8L * 1024 * 1024;

    /// <summary>How long a presigned GET link in a report stays valid (S3's SigV4 maximum is 7 days).</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(7);

    /// <summary>The longest presigned link S3 accepts (SigV4).</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(7);

    /// <summary>Time limit of one S3 request (an upload part included).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>User metadata key holding the object's SHA-256 (hex), read back by <c>HeadAsync</c>.</summary>
    public const string Sha256MetadataKey = "sha256";
}
