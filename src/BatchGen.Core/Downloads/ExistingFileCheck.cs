using System.Security.Cryptography;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The resume check: the file exists, is a playable MP4 and, when recorded, has the same SHA-256. A file whose size,
/// modification time and inode still match the stamp recorded when it was verified is trusted without being read
/// (a resume costs one stat per file, not a read of every byte), except under <c>verify: deep</c>.
/// </summary>
internal static class ExistingFileCheck
{
    /// <summary>Counts files opened for reading by this check (tests prove a trusted file is never read).</summary>
    internal static long FilesRead => Interlocked.Read(ref s_filesRead);

    private static long s_filesRead;

    public static async Task<DownloadOutcome> RunAsync(string outputDirectory, string relativePath, ExpectedVideo expected, string? expectedSha256, CancellationToken cancellationToken, FileStamp? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!OutputPaths.TrySanitize(relativePath, out var relative, out var error))
        {
            var printable = OutputPaths.Printable(relativePath);
            return DownloadOutcome.Fail(printable, DownloadFailureKind.Io, $"output path '{printable}' {error}", retryable: false);
        }

        try
        {
            var full = OutputPaths.Resolve(outputDirectory, relative);
            var stamp = FileStamp.Read(full);
            if (stamp is null || !File.Exists(full))
            {
                return DownloadOutcome.Fail(relative, DownloadFailureKind.Io, $"{relative}: file is missing (download it again)", retryable: true);
            }

            if (recorded is not null && stamp == recorded && expectedSha256 is not null && expected.Deep is null)
            {
                return new DownloadOutcome { Success = true, RelativePath = relative, Bytes = stamp.Value.Size, Sha256 = expectedSha256, Stamp = stamp };
            }

            Interlocked.Increment(ref s_filesRead);
            var (facts, problem) = await VideoVerifier.CheckAsync(full, expected, cancellationToken).ConfigureAwait(false);
            var (bytes, sha) = await HashAsync(full, cancellationToken).ConfigureAwait(false);
            if (problem is null && expectedSha256 is not null && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                problem = "SHA-256 differs from the one recorded";
            }

            return problem is null
                ? new DownloadOutcome { Success = true, RelativePath = relative, Bytes = bytes, Sha256 = sha, Video = facts, Stamp = stamp }
                : DownloadOutcome.Fail(relative, DownloadFailureKind.VerifyFailed, $"{relative}: {problem} (download it again)", retryable: true) with { Bytes = bytes, Sha256 = sha };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return DownloadOutcome.Fail(relative, DownloadFailureKind.Io, $"{relative}: cannot read the file: {ex.Message.ReplaceLineEndings(" ")} (check permissions)", retryable: false);
        }
    }

    private static async Task<(long Bytes, string Sha256)> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }
}
