using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace BatchGen.Core.Storage;

/// <summary>Turns SDK and network failures into one-line <see cref="StorageException"/>s.</summary>
public sealed partial class S3ObjectStore
{
    private const int MaxDetail = 200;

    /// <summary>A failure of the store or the way to it; not a cancellation the caller asked for, not a bug.</summary>
    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is AmazonClientException or AmazonServiceException or HttpRequestException or IOException or SocketException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private StorageException Describe(Exception ex, string doing, string key, string thing = "the object")
    {
        var where = Where(key);
        if (ex is AmazonS3Exception s3 && s3.StatusCode != 0)
        {
            var hint = s3.StatusCode switch
            {
                HttpStatusCode.Forbidden => " (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and the bucket policy)",
                HttpStatusCode.NotFound when s3.ErrorCode == "NoSuchBucket" => " (the bucket does not exist: create it or fix the bucket name)",
                _ => string.Empty,
            };
            return new StorageException($"{where}: {doing} {thing} failed: HTTP {(int)s3.StatusCode} {s3.ErrorCode}: {OneLine(s3.Message)}{hint}", ex);
        }

        if (Root(ex) is HttpRequestException or SocketException or IOException || ex is OperationCanceledException)
        {
            var what = ex is OperationCanceledException ? "no answer in time" : OneLine(Root(ex).Message);
            return new StorageException($"{where}: {doing} {thing} failed: cannot reach the object store ({what})", ex) { Unreachable = true };
        }

        if (ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new StorageException($"{where}: {doing} {thing} failed: no S3 credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)", ex);
        }

        return new StorageException($"{where}: {doing} {thing} failed: {OneLine(ex.Message)}", ex);
    }

    /// <summary>The innermost network or I/O cause, else the exception itself.</summary>
    private static Exception Root(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException or HttpRequestException)
            {
                return e.InnerException is SocketException socket ? socket : e;
            }
        }

        return ex;
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxDetail ? line : line[..MaxDetail] + "...";
    }
}
