using System.Security.Cryptography;

namespace BatchGen.Core.Storage;

/// <summary>
/// One pass over a file: its size, SHA-256 and MD5, and the MD5 of each part of <paramref name="PartSize"/> bytes
/// (what the store is told per request as Content-MD5, and how a multipart ETag is formed).
/// </summary>
internal sealed record FileDigest(long Bytes, byte[] Sha256, byte[] Md5, IReadOnlyList<byte[]> PartMd5s, long PartSize)
{
    public string Sha256Hex => Convert.ToHexStringLower(Sha256);

    public string Md5Hex => Convert.ToHexStringLower(Md5);

    /// <summary>S3's ETag of a multipart upload: MD5 of the concatenated part MD5s, then '-' and the part count.</summary>
    public string MultipartETag
    {
        get
        {
            // MD5 here is S3's ETag formula, compared with what the store reports, not a security measure.
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            foreach (var part in PartMd5s)
            {
                md5.AppendData(part);
            }

            return Convert.ToHexStringLower(md5.GetHashAndReset()) + "-" + PartMd5s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static async Task<FileDigest> ComputeAsync(string path, long partSize, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var parts = new List<byte[]>();
        var buffer = new byte[81920];
        long total = 0, inPart = 0;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        while (true)
        {
            var want = (int)Math.Min(buffer.Length, partSize - inPart);
            var read = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            sha.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            part.AppendData(buffer, 0, read);
            total += read;
            inPart += read;
            if (inPart == partSize)
            {
                parts.Add(part.GetHashAndReset());
                inPart = 0;
            }
        }

        if (inPart > 0 || parts.Count == 0)
        {
            parts.Add(part.GetHashAndReset());
        }

        return new FileDigest(total, sha.GetHashAndReset(), md5.GetHashAndReset(), parts, partSize);
    }
}
