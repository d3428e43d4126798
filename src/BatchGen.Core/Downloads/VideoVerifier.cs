using System.Globalization;
using BatchGen.Core.Media;

namespace BatchGen.Core.Downloads;

/// <summary>
/// Checks a complete file against the job (MP4 boxes, duration ±0.5 s, exact frame size) and moves it into place:
/// the final name when it verifies, <c>&lt;name&gt;.unverified.mp4</c> when not (a paid result is never deleted).
/// </summary>
internal static class VideoVerifier
{
    public const double DurationToleranceSeconds = 0.5;

    /// <summary>Null when the file is the video asked for, else one line saying how it differs.</summary>
    public static async Task<string?> CheckAsync(string fullPath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        var (info, error) = await Mp4Probe.ProbeFileAsync(fullPath, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return $"not a valid MP4: {error}";
        }

        var seconds = info.Duration.TotalSeconds;
        if (Math.Abs(seconds - expected.DurationSeconds) > DurationToleranceSeconds)
        {
            return string.Create(CultureInfo.InvariantCulture, $"duration is {seconds:0.###} s, expected {expected.DurationSeconds} s ±{DurationToleranceSeconds} s");
        }

        if (info.Width != expected.Width || info.Height != expected.Height)
        {
            return string.Create(CultureInfo.InvariantCulture, $"frame size is {info.Width}x{info.Height}, expected {expected.Width}x{expected.Height}");
        }

        return null;
    }

    /// <summary>Verifies the fsynced part file and renames it atomically to its final or its unverified name.</summary>
    public static async Task<DownloadOutcome> FinishAsync(PartFileResult part, string finalPath, string relativePath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        var problem = await CheckAsync(part.Path, expected, cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            File.Move(part.Path, finalPath, overwrite: true);
            return new DownloadOutcome { Success = true, RelativePath = relativePath, Bytes = part.Length, Sha256 = part.Sha256 };
        }

        var keptRelative = UnverifiedName(relativePath);
        File.Move(part.Path, UnverifiedName(finalPath), overwrite: true);
        return DownloadOutcome.Fail(keptRelative, DownloadFailureKind.VerifyFailed, $"{relativePath}: {problem} (kept as {keptRelative})", retryable: false)
            with { Bytes = part.Length, Sha256 = part.Sha256 };
    }

    /// <summary>"videos/a.mp4" becomes "videos/a.unverified.mp4".</summary>
    public static string UnverifiedName(string path) => Path.ChangeExtension(path, ".unverified.mp4");
}

/// <summary>A complete, fsynced and closed part file.</summary>
internal sealed record PartFileResult(string Path, long Length, string Sha256);
