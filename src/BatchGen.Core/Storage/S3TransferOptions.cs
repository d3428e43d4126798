namespace BatchGen.Core.Storage;

/// <summary>How files are cut for upload. Defaults in <see cref="S3StoreDefaults"/>.</summary>
public sealed class S3TransferOptions
{
    /// <summary>Files larger than this go up in parts. Default 16 MiB.</summary>
    public long MultipartThreshold { get; init; } = S3StoreDefaults.MultipartThreshold;

    /// <summary>Size of every part but the last. Default 8 MiB; S3 requires at least 5 MiB.</summary>
    public long PartSize { get; init; } = S3StoreDefaults.PartSize;

    internal void Validate()
    {
        const long minPart = 5L * 1024 * 1024;
        if (PartSize < minPart || MultipartThreshold < PartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PartSize), $"part size {PartSize} must be at least 5 MiB and at most the multipart threshold {MultipartThreshold}");
        }
    }
}
