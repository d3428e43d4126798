using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Storage;

namespace BatchGen.Core.Images;

/// <summary>
/// Local images into the manifest's <c>image_store</c> (an S3-compatible bucket), for every provider that takes only
/// an image URL: one object per content, <c>{prefix}{sha256}.{ext}</c>, SHA-256 checked by the store. The provider
/// gets <c>public_base_url</c> + key when the bucket is public, else a presigned GET made fresh for each submit and
/// valid for as long as the task may take (so it never expires before the provider fetches it).
/// </summary>
public sealed class StoreImageUploader : IImageUploader
{
    public const string StoreScope = "image_store";

    private readonly S3ObjectStore _store;

    public StoreImageUploader(S3ObjectStore store) => _store = store;

    public string Scope => StoreScope;

    public async Task<ImageUploadOutcome> UploadAsync(LocalImage image, ReadOnlyMemory<byte> bytes, Func<ImageUploadOutcome, Task> beforeTransfer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(beforeTransfer);
        var key = _store.KeyFor($"{image.Sha256}.{image.Info?.Extension ?? "img"}");
        try
        {
            // The key is the content hash: an object already there with this content (another batch, a killed
            // run) is used as it is.
            if (await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is { } existing && existing.Matches(image.Bytes, image.Sha256))
            {
                return new ImageUploadOutcome($"s3://{_store.Settings.Bucket}/{key}", null, null);
            }

            await _store.PutFileAsync(image.Path, key, image.Sha256, cancellationToken).ConfigureAwait(false);
            return new ImageUploadOutcome($"s3://{_store.Settings.Bucket}/{key}", null, null);
        }
        catch (StorageException ex)
        {
            return ImageUploadOutcome.Failed(new ProviderError(ErrorClass.Retryable, $"image_store upload of '{image.Display}': {ex.Message}") { Code = "image_upload" });
        }
    }

    public Task<bool> ArrivedAsync(UploadRecord upload, CancellationToken cancellationToken) => Task.FromResult(false);

    public string UrlFor(UploadRecord upload, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var prefix = $"s3://{_store.Settings.Bucket}/";
        var key = upload.Url.StartsWith(prefix, StringComparison.Ordinal) ? upload.Url[prefix.Length..] : upload.Url;
        return _store.LinkFor(key, validFor).AbsoluteUri;
    }
}
