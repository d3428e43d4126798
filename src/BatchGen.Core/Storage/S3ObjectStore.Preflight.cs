using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace BatchGen.Core.Storage;

/// <summary>The check made before a run spends money: does the bucket answer?</summary>
public sealed partial class S3ObjectStore
{
    /// <summary>A key no upload uses: asking for it tells whether the bucket exists without writing anything.</summary>
    internal const string ProbeName = ".batchgen-probe";

    /// <summary>
    /// Asks for an object that is not there (GET <c>prefix/.batchgen-probe</c>). "No such key" means the store is
    /// reachable and the bucket exists. An unreachable store or a missing bucket is a <see cref="StorageException"/>:
    /// nothing could be uploaded. A refusal (HTTP 403) is returned as a warning, not thrown: without
    /// <c>s3:ListBucket</c> S3 answers 403 for a missing key, and uploads may still be allowed, so only the first
    /// upload can tell. Null: the bucket answered.
    /// </summary>
    public async Task<string?> CheckBucketAsync(CancellationToken cancellationToken)
    {
        var key = Settings.KeyFor(ProbeName);
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new StorageException($"{Settings.Display}: the bucket does not exist (HTTP 404 NoSuchBucket): create it or fix the bucket name", ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            return $"{Settings.Display}: the store refused to read from the bucket (HTTP 403 {ex.ErrorCode}); uploads may still be allowed, and a refused upload keeps its local file (exit 5)";
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw Describe(ex, "checking", key, "the bucket");
        }
    }
}
