using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BatchGen.Core.Storage;

/// <summary>
/// An S3-compatible bucket (AWS, MinIO, R2, s3rver) through AWSSDK.S3: uploads a file (in parts above
/// <see cref="S3TransferOptions.MultipartThreshold"/>) and checks that the stored object is that file, reads what is
/// stored under a key, and links to objects (a public URL, else a presigned GET). Every failure is a one-line
/// <see cref="StorageException"/> naming the store and key; credentials never appear in messages.
/// </summary>
public sealed partial class S3ObjectStore : IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly TimeProvider _time;
    private readonly S3TransferOptions _transfer;

    /// <param name="settings">Where the bucket is.</param>
    /// <param name="time">The clock presigned links expire by.</param>
    /// <param name="credentials">Null (the normal case): the SDK's credential chain (environment, profile, instance role).</param>
    /// <param name="transfer">Part sizes; null for the defaults.</param>
    public S3ObjectStore(S3StoreSettings settings, TimeProvider time, AWSCredentials? credentials = null, S3TransferOptions? transfer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _time = time;
        _transfer = transfer ?? new S3TransferOptions();
        _transfer.Validate();
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            Timeout = S3StoreDefaults.RequestTimeout,
            MaxErrorRetry = 3,
            // Checksums only where S3 requires them: many S3-compatible servers do not decode the aws-chunked
            // trailers the SDK would otherwise send. The SHA-256 is sent as a header and checked below.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        var region = settings.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? S3StoreDefaults.Region;
        if (settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        _client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    public S3StoreSettings Settings { get; }

    /// <summary>The key of a path relative to the store (prefix + path).</summary>
    public string KeyFor(string relativePath) => Settings.KeyFor(relativePath);

    /// <summary>
    /// Uploads <paramref name="localPath"/> to <paramref name="key"/> and checks the stored object: the SHA-256 the
    /// store echoes (AWS checks the <c>x-amz-checksum-sha256</c> it is sent), else the ETag against the file's MD5,
    /// and the stored size. <paramref name="expectedSha256"/> (hex), when given, must be the file's: a file that
    /// changed since it was verified is not uploaded.
    /// </summary>
    public async Task<StoredObject> PutFileAsync(string localPath, string key, string? expectedSha256, CancellationToken cancellationToken)
    {
        var digest = await ReadDigestAsync(localPath, key, cancellationToken).ConfigureAwait(false);
        if (expectedSha256 is not null && !string.Equals(expectedSha256, digest.Sha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException($"{localPath}: the file's SHA-256 is {digest.Sha256Hex}, not the {expectedSha256} recorded when it was verified; not uploaded to {Settings.Display}");
        }

        var etag = digest.Bytes > _transfer.MultipartThreshold
            ? await PutMultipartAsync(localPath, key, digest, cancellationToken).ConfigureAwait(false)
            : await PutSingleAsync(localPath, key, digest, cancellationToken).ConfigureAwait(false);

        var stored = await HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException($"{Where(key)}: the object is missing right after its upload was accepted");
        if (stored.Bytes != digest.Bytes)
        {
            throw new StorageException(string.Create(CultureInfo.InvariantCulture, $"{Where(key)}: the stored object has {stored.Bytes} bytes, the file {digest.Bytes}; upload again"));
        }

        return stored with { ETag = etag, Sha256 = stored.Sha256 ?? digest.Sha256Hex };
    }

    /// <summary>What is stored under <paramref name="key"/>, or null when nothing is.</summary>
    public async Task<StoredObject?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            var sha = response.Metadata[S3StoreDefaults.Sha256MetadataKey];
            return new StoredObject(key, response.ContentLength, Unquote(response.ETag), string.IsNullOrEmpty(sha) ? null : sha.ToLowerInvariant());
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound && ex.ErrorCode is null or "NotFound" or "NoSuchKey")
        {
            return null;
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw Describe(ex, "reading", key);
        }
    }

    /// <summary>A link to <paramref name="key"/>: the public URL when the bucket has one, else a presigned GET valid for <paramref name="lifetime"/>.</summary>
    public Uri LinkFor(string key, TimeSpan lifetime) => PublicUrl(key) ?? PresignGet(key, lifetime);

    /// <summary><c>public_base_url</c> + the key (each segment escaped), or null when the bucket has no public URL.</summary>
    public Uri? PublicUrl(string key)
    {
        if (Settings.PublicBaseUrl is not { } root)
        {
            return null;
        }

        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return new Uri(root.ToString().TrimEnd('/') + "/" + escaped);
    }

    /// <summary>A presigned GET URL for <paramref name="key"/>, valid for <paramref name="lifetime"/> (at most 7 days) from now.</summary>
    public Uri PresignGet(string key, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > S3StoreDefaults.MaxLinkLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "a presigned link lives more than 0 and at most 7 days");
        }

        var request = new GetPreSignedUrlRequest
        {
            BucketName = Settings.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = _time.GetUtcNow().UtcDateTime + lifetime,
            Protocol = Settings.Endpoint?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        };
        try
        {
            return new Uri(_client.GetPreSignedURL(request));
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException)
        {
            throw Describe(ex, "signing a link to", key);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<FileDigest> ReadDigestAsync(string localPath, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await FileDigest.ComputeAsync(localPath, _transfer.PartSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"{localPath}: cannot read the file to upload it to {Where(key)}: {ex.Message}", ex);
        }
    }

    private async Task<string> PutSingleAsync(string localPath, string key, FileDigest digest, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = Settings.Bucket,
            Key = key,
            FilePath = localPath,
            ContentType = ContentTypeOf(key),
            MD5Digest = Convert.ToBase64String(digest.Md5),
            ChecksumSHA256 = Convert.ToBase64String(digest.Sha256),
            UseChunkEncoding = false,
        };
        request.Metadata.Add(S3StoreDefaults.Sha256MetadataKey, digest.Sha256Hex);
        PutObjectResponse response;
        try
        {
            response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw Describe(ex, "uploading", key);
        }

        var etag = Unquote(response.ETag);
        CheckIntegrity(key, digest, response.ChecksumSHA256, etag, [digest.Md5Hex]);
        return etag;
    }

    /// <summary>
    /// The stored bytes are the file's: the store's SHA-256 when it echoes one, else an ETag that is an MD5 of the
    /// content must be the file's (S3's multipart form, or the whole file's as some servers compute it).
    /// </summary>
    private void CheckIntegrity(string key, FileDigest digest, string? echoedSha256, string etag, IReadOnlyList<string> md5Forms)
    {
        if (!string.IsNullOrEmpty(echoedSha256) && !echoedSha256.Contains('-', StringComparison.Ordinal))
        {
            if (echoedSha256 != Convert.ToBase64String(digest.Sha256))
            {
                throw new StorageException($"{Where(key)}: the store computed another SHA-256 than the file's {digest.Sha256Hex}; upload again");
            }

            return;
        }

        if (!md5Forms.Contains(etag, StringComparer.OrdinalIgnoreCase))
        {
            throw new StorageException($"{Where(key)}: the stored object's ETag {etag} is not the MD5 of the file (SHA-256 {digest.Sha256Hex}); upload again");
        }
    }

    private string Where(string key) => Settings.Endpoint is null
        ? $"s3://{Settings.Bucket}/{key}"
        : $"s3://{Settings.Bucket}/{key} at {Settings.Endpoint.GetLeftPart(UriPartial.Authority)}";

    private static string Unquote(string? etag) => (etag ?? string.Empty).Trim('"');

    private static string ContentTypeOf(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".mp4" => "video/mp4",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
