namespace BatchGen.Core.Downloads;

/// <summary>
/// What the job asked for. A saved video that differs (duration beyond ±0.5 s, another frame size) is kept with a
/// warning, never failed. <see cref="Deep"/>, when set, also decodes the file with ffmpeg.
/// </summary>
public sealed record ExpectedVideo(int DurationSeconds, int Width, int Height)
{
    public DeepVideoCheck? Deep { get; init; }
}

/// <summary>
/// One file to fetch. <see cref="RelativePath"/> is relative to <see cref="OutputDirectory"/> and is sanitised again
/// before use. The URL never appears in messages (signed URLs carry tokens).
/// </summary>
public sealed record DownloadRequest(Uri Url, string OutputDirectory, string RelativePath, ExpectedVideo Expected);

/// <summary>Why a download did not end with a verified file.</summary>
public enum DownloadFailureKind
{
    /// <summary>403/404/410: the result URL expired or is gone; ask the provider for a fresh URL (never regenerate).</summary>
    Expired,

    /// <summary>Any other HTTP failure or connection error. <see cref="DownloadOutcome.Retryable"/> for 5xx, 408, 429 and network errors.</summary>
    Http,

    /// <summary>The body kept ending early after the in-call resumes; the <c>.part</c> file is kept for the next try.</summary>
    Truncated,

    /// <summary>A resume check: the file on disk is damaged or its SHA-256 differs from the one recorded.</summary>
    VerifyFailed,

    /// <summary>The downloaded file is complete but not a playable MP4 (or, with a deep check, does not decode); it is downloaded again.</summary>
    Undecodable,

    /// <summary>A local file-system error, an unsafe output path, or (for a resume check) a missing file.</summary>
    Io,
}

/// <summary>
/// The result of a download, an inline save or a resume check. On success, <see cref="RelativePath"/> is the verified
/// file; on <see cref="DownloadFailureKind.VerifyFailed"/> after a download it is where the kept, paid-for file now is
/// (<c>&lt;name&gt;.unverified.mp4</c>), with its size and SHA-256.
/// </summary>
public sealed record DownloadOutcome
{
    public bool Success { get; init; }

    public required string RelativePath { get; init; }

    public long Bytes { get; init; }

    /// <summary>Lowercase hex SHA-256 of the file's bytes.</summary>
    public string? Sha256 { get; init; }

    public DownloadFailureKind? Failure { get; init; }

    /// <summary>On success: the video's frame size, duration, codec, and a warning when they differ from the request.</summary>
    public Media.VideoFacts? Video { get; init; }

    /// <summary>On success: the file's size, modification time and inode as verified (recorded so a resume need not read it again).</summary>
    public FileStamp? Stamp { get; init; }

    /// <summary>One line: what went wrong, for which file, and what happens next. No URL, no secrets.</summary>
    public string? Message { get; init; }

    public int? HttpStatus { get; init; }

    /// <summary>Trying the same thing again later may work (network, 5xx, truncation, a damaged existing file).</summary>
    public bool Retryable { get; init; }

    internal static DownloadOutcome Fail(string relativePath, DownloadFailureKind kind, string message, bool retryable, int? httpStatus = null) =>
        new() { RelativePath = relativePath, Failure = kind, Message = message, Retryable = retryable, HttpStatus = httpStatus };
}
