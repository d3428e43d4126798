using System.Collections.Concurrent;
using System.Security.Cryptography;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Images;

/// <summary>
/// The URL a provider gets for a local image: uploaded once per content hash per uploader scope (Pixwith's own
/// upload, or the image store shared by the other providers), recorded in the ledger
/// (so a resume never uploads again), uploaded again only when the recorded URL has expired or would expire before
/// the task could run. Concurrent jobs with the same image wait for one upload. Thread-safe.
/// </summary>
public sealed class ImageUploads
{
    private readonly IUploadLog _ledger;
    private readonly IReadOnlyDictionary<string, IImageUploader> _uploaders;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Sha, string Provider), SemaphoreSlim> _gates = new();
    private readonly ConcurrentDictionary<(string Sha, string Provider), UploadRecord> _known = new();
    private int _uploads;

    public ImageUploads(IUploadLog ledger, IReadOnlyDictionary<string, IImageUploader> uploaders, TimeProvider time)
    {
        _ledger = ledger;
        _uploaders = uploaders;
        _time = time;
    }

    /// <summary>Uploads made by this instance (not those found in the ledger).</summary>
    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>
    /// A URL for <paramref name="image"/> that <paramref name="provider"/> can fetch for at least <paramref name="validFor"/>,
    /// or an error (no uploader for the provider, the file changed or vanished since the manifest was read, the upload failed).
    /// </summary>
    public async Task<(string? Url, ProviderError? Error)> UrlAsync(string provider, LocalImage image, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (!_uploaders.TryGetValue(provider, out var uploader))
        {
            return (null, new ProviderError(ErrorClass.Permanent, $"{provider}: no place to upload local image '{image.Display}' (set image_store)") { Code = "image_upload" });
        }

        var key = (image.Sha256, uploader.Scope);
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_known.TryGetValue(key, out var record))
            {
                record = await _ledger.GetUploadAsync(image.Sha256, uploader.Scope, cancellationToken).ConfigureAwait(false);
            }

            if (record is { Pending: true } && !Expiring(record, validFor))
            {
                // A transfer a killed run started: used when its bytes arrived, else uploaded again.
                record = await uploader.ArrivedAsync(record, cancellationToken).ConfigureAwait(false) ? record with { Pending = false } : null;
                if (record is not null)
                {
                    await _ledger.RecordUploadAsync(record, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (record is null || record.Pending || Expiring(record, validFor))
            {
                var (uploaded, error) = await UploadAsync(uploader, provider, image, cancellationToken).ConfigureAwait(false);
                if (uploaded is null)
                {
                    return (null, error);
                }

                record = uploaded;
            }

            _known[key] = record;
            return (uploader.UrlFor(record, validFor), null);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(UploadRecord? Record, ProviderError? Error)> UploadAsync(IImageUploader uploader, string provider, LocalImage image, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(image.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, Changed(image, $"can no longer be read ({ex.Message})"));
        }

        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), image.Sha256, StringComparison.Ordinal))
        {
            // The job id was made from the content read at load: another content would be another job.
            return (null, Changed(image, "has changed since the manifest was read (its job id comes from its content); run again to pick up the new content"));
        }

        var outcome = await uploader.UploadAsync(
            image,
            bytes,
            intent => intent.Location is { } location
                ? _ledger.RecordUploadAsync(new UploadRecord(image.Sha256, uploader.Scope, location, bytes.Length, intent.ExpiresAt) { Time = _time.GetUtcNow(), Pending = true }, CancellationToken.None)
                : Task.CompletedTask,
            cancellationToken).ConfigureAwait(false);
        if (outcome.Error is { } error || outcome.Location is null)
        {
            return (null, outcome.Error ?? new ProviderError(ErrorClass.Retryable, $"{provider}: upload of '{image.Display}' gave no location") { Code = "image_upload" });
        }

        var record = new UploadRecord(image.Sha256, uploader.Scope, outcome.Location, bytes.Length, outcome.ExpiresAt) { Time = _time.GetUtcNow() };
        // Recorded whatever the caller's token says: the upload happened.
        await _ledger.RecordUploadAsync(record, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _uploads);
        return (record, null);
    }

    private bool Expiring(UploadRecord record, TimeSpan validFor) =>
        record.ExpiresAt is { } expires && expires - _time.GetUtcNow() < validFor;

    private static ProviderError Changed(LocalImage image, string what) =>
        new(ErrorClass.Permanent, $"local image '{image.Display}' ({image.Path}) {what}") { Code = "image_changed" };
}
