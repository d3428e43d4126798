using System.Globalization;
using Amazon.S3.Model;

namespace BatchGen.Core.Storage;

/// <summary>Multipart upload: parts in order, each with its Content-MD5; aborted on any failure so no part lingers (and bills).</summary>
public sealed partial class S3ObjectStore
{
    private async Task<string> PutMultipartAsync(string localPath, string key, FileDigest digest, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = Settings.Bucket, Key = key, ContentType = ContentTypeOf(key) };
        initiate.Metadata.Add(S3StoreDefaults.Sha256MetadataKey, digest.Sha256Hex);
        string uploadId;
        try
        {
            uploadId = (await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw Describe(ex, "starting the multipart upload of", key);
        }

        try
        {
            var parts = new List<PartETag>(digest.PartMd5s.Count);
            for (var i = 0; i < digest.PartMd5s.Count; i++)
            {
                var position = i * digest.PartSize;
                var response = await _client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = Settings.Bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = i + 1,
                        FilePath = localPath,
                        FilePosition = position,
                        PartSize = Math.Min(digest.PartSize, digest.Bytes - position),
                        MD5Digest = Convert.ToBase64String(digest.PartMd5s[i]),
                        UseChunkEncoding = false,
                    },
                    cancellationToken).ConfigureAwait(false);
                var partTag = Unquote(response.ETag);
                var partMd5 = Convert.ToHexStringLower(digest.PartMd5s[i]);
                if (!string.Equals(partTag, partMd5, StringComparison.OrdinalIgnoreCase) && partTag.Length == 32)
                {
                    throw new StorageException(string.Create(CultureInfo.InvariantCulture, $"{Where(key)}: part {i + 1} was stored with ETag {partTag}, not the MD5 {partMd5} of the bytes sent; upload again"));
                }

                parts.Add(new PartETag(i + 1, response.ETag));
            }

            var complete = await _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = Settings.Bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken).ConfigureAwait(false);
            var etag = Unquote(complete.ETag);
            CheckIntegrity(key, digest, null, etag, [digest.MultipartETag, digest.Md5Hex]);
            return etag;
        }
        catch (Exception ex) when (ex is StorageException || IsStoreFailure(ex, cancellationToken))
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw ex as StorageException ?? Describe(ex, "uploading (in parts)", key);
        }
        catch (OperationCanceledException)
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Best effort: a store that cannot be reached keeps the parts until its lifecycle rule removes them.</summary>
    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _time);
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Settings.Bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, CancellationToken.None) || ex is OperationCanceledException)
        {
            // Nothing more to do: the failure that brought us here is what the caller reports.
        }
    }
}
