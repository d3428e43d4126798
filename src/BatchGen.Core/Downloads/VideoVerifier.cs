using BatchGen.Core.Media;

namespace BatchGen.Core.Downloads;

/// <summary>
/// Checks a complete file: it must be a complete, playable MP4 (see <see cref="Mp4Probe"/>); its frame size and
/// duration are recorded, and a difference from the request is a warning, never a failure. A file that is not a
/// playable MP4 is kept as <c>&lt;name&gt;.unverified.mp4</c> and downloaded again (a paid result is never deleted
/// and never generated again).
/// </summary>
internal static class VideoVerifier
{
    /// <summary>The facts of a playable file (with a warning when it differs from the request), or what makes it unplayable.</summary>
    /// <param name="scanned">The box check already done on the bytes as they were written, when there is one (the file is then not read).</param>
    public static async Task<(VideoFacts? Facts, string? Problem)> CheckAsync(string fullPath, ExpectedVideo expected, CancellationToken cancellationToken, (Mp4Info? Info, string? Error)? scanned = null)
    {
        var (info, error) = scanned ?? await Mp4Probe.ProbeFileAsync(fullPath, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return (null, $"not a playable MP4: {error}");
        }

        var facts = VideoFacts.From(info, expected.Width, expected.Height, expected.DurationSeconds);
        if (expected.Deep is { } deep)
        {
            var problem = await deep.CheckAsync(fullPath, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return (null, $"does not decode: {problem}");
            }
        }

        return (facts, null);
    }

    /// <summary>The file name ending of a paid file that did not verify.</summary>
    public const string UnverifiedSuffix = ".unverified.mp4";

    /// <summary>Verifies the fsynced part file and renames it atomically to its final or its unverified name.</summary>
    public static async Task<DownloadOutcome> FinishAsync(PartFileResult part, string finalPath, string relativePath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        var (facts, problem) = await CheckAsync(part.Path, expected, cancellationToken, part.Scanned).ConfigureAwait(false);
        if (facts is not null)
        {
            File.Move(part.Path, finalPath, overwrite: true);

            // A damaged copy kept by an earlier attempt is superseded by this good one.
            File.Delete(UnverifiedName(finalPath));
            return new DownloadOutcome { Success = true, RelativePath = relativePath, Bytes = part.Length, Sha256 = part.Sha256, Video = facts, Stamp = FileStamp.Read(finalPath) };
        }

        var keptRelative = UnverifiedName(relativePath);
        File.Move(part.Path, UnverifiedName(finalPath), overwrite: true);
        return DownloadOutcome.Fail(keptRelative, DownloadFailureKind.Undecodable, $"{relativePath}: {problem} (kept as {keptRelative}; downloading it again)", retryable: true)
            with { Bytes = part.Length, Sha256 = part.Sha256 };
    }

    /// <summary>
    /// As <see cref="FinishAsync(PartFileResult, string, string, ExpectedVideo, CancellationToken)"/>, by names inside the
    /// held directory of <paramref name="place"/>: the stamp is the part file's own (a rename keeps size, time and inode),
    /// and the superseded <c>.unverified.mp4</c> is removed only when the directory may hold one.
    /// </summary>
    public static async Task<DownloadOutcome> FinishAsync(PartFileResult part, OutputPlace place, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        var (facts, problem) = await CheckAsync(part.Path, expected, cancellationToken, part.Scanned).ConfigureAwait(false);
        var directory = place.Directory;
        if (facts is not null)
        {
            DirectoryCalls.Rename(directory.Handle, place.PartName, place.Name);
            if (directory.MayHoldUnverified)
            {
                DirectoryCalls.DeleteFile(directory.Handle, UnverifiedName(place.Name));
            }

            return new DownloadOutcome { Success = true, RelativePath = place.Relative, Bytes = part.Length, Sha256 = part.Sha256, Video = facts, Stamp = part.Stamp ?? FileStamp.Read(place.FinalPath) };
        }

        var keptRelative = UnverifiedName(place.Relative);
        directory.MayHoldUnverified = true;
        DirectoryCalls.Rename(directory.Handle, place.PartName, UnverifiedName(place.Name));
        return DownloadOutcome.Fail(keptRelative, DownloadFailureKind.Undecodable, $"{place.Relative}: {problem} (kept as {keptRelative}; downloading it again)", retryable: true)
            with { Bytes = part.Length, Sha256 = part.Sha256 };
    }

    /// <summary>"videos/a.mp4" becomes "videos/a.unverified.mp4".</summary>
    public static string UnverifiedName(string path) => Path.ChangeExtension(path, UnverifiedSuffix);
}

/// <summary>
/// A complete, fsynced and closed part file; <see cref="Scanned"/> is the box check of its bytes as written (null: probe
/// the file), <see cref="Stamp"/> its size, time and inode once flushed (null where unknown).
/// </summary>
internal sealed record PartFileResult(string Path, long Length, string Sha256, (Mp4Info? Info, string? Error)? Scanned = null, FileStamp? Stamp = null);
