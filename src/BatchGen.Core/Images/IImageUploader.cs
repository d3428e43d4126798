using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Images;

/// <summary>
/// Puts a local image where one provider can fetch it: Pixwith's own upload (<c>pre_url</c>), or the S3-compatible
/// image store for the others. One HTTP upload per call, no retries (the caller records what was uploaded).
/// </summary>
public interface IImageUploader
{
    /// <summary>
    /// Who an upload serves, as recorded in the ledger: the provider for its own upload (<c>pixwith</c>), or
    /// <c>image_store</c> for the shared bucket (one object per content hash, whichever providers fetch it).
    /// </summary>
    string Scope { get; }

    /// <summary>
    /// Uploads <paramref name="bytes"/> (the content of <paramref name="image"/>); a failure is a value. When the
    /// location is known before the bytes leave, <paramref name="beforeTransfer"/> is awaited with it first (the
    /// write-ahead intent, so a run killed mid-upload can check it instead of uploading again).
    /// </summary>
    Task<ImageUploadOutcome> UploadAsync(LocalImage image, ReadOnlyMemory<byte> bytes, Func<ImageUploadOutcome, Task> beforeTransfer, CancellationToken cancellationToken);

    /// <summary>Whether an earlier, interrupted transfer to <paramref name="upload"/>'s location arrived complete.</summary>
    Task<bool> ArrivedAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>The URL to pass to the provider for a recorded upload, valid for at least <paramref name="validFor"/>.</summary>
    string UrlFor(UploadRecord upload, TimeSpan validFor);
}

/// <summary>
/// An upload's result: the stored location (a URL, or an <c>s3://</c> reference the uploader turns into a URL later)
/// and when it stops working (null: not known to expire), or an error.
/// </summary>
public sealed record ImageUploadOutcome(string? Location, DateTimeOffset? ExpiresAt, ProviderError? Error)
{
    public static ImageUploadOutcome Failed(ProviderError error) => new(null, null, error);
}
