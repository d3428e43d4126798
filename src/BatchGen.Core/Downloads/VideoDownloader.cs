using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace BatchGen.Core.Downloads;

/// <summary>
/// Fetches result videos: streams into <c>&lt;final&gt;.part</c> (hashing as it goes), resumes with a Range request
/// when a part exists or the body ends early (up to <see cref="MaxResumes"/> times per call), checks the length
/// against Content-Length / Content-Range, fsyncs, verifies the MP4 and renames atomically. Every expected failure
/// is a <see cref="DownloadOutcome"/>; only cancellation throws.
/// </summary>
public sealed class VideoDownloader
{
    /// <summary>Resumes after an early end of body within one call.</summary>
    public const int MaxResumes = 3;

    /// <summary>Starts from zero (server ignored or refused the range) within one call.</summary>
    private const int MaxRestarts = 2;

    /// <summary>Bytes gathered from the body before each write (a 426 KB video: one write of its whole blocks, one of the rest).</summary>
    private const int BufferSize = AlignedBuffer.Size;

    /// <summary>A body that sends nothing for this long counts as interrupted (and is resumed).</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for the response headers of a download.</summary>
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;
    private readonly OutputDirectories _directories = new();

    public VideoDownloader(HttpClient http, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _http = http;
        _timeProvider = timeProvider;
    }

    public async Task<DownloadOutcome> DownloadAsync(DownloadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_directories.TryPlace(request.OutputDirectory, request.RelativePath) is { } place
            && await DownloadIntoAsync(request, place, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return done;
        }

        var outcome = await DownloadByPathAsync(request, cancellationToken).ConfigureAwait(false);
        if (outcome.Failure == DownloadFailureKind.Undecodable)
        {
            _directories.NoteUnverified(request.OutputDirectory, outcome.RelativePath);
        }

        return outcome;
    }

    /// <summary>The download into a held directory; null when its part file cannot be opened there (the path-based code then decides).</summary>
    private async Task<DownloadOutcome?> DownloadIntoAsync(DownloadRequest request, OutputPlace place, CancellationToken cancellationToken)
    {
        try
        {
            PartFileResult complete;
            using (var part = place.OpenPart(keepExisting: true))
            {
                if (part is null)
                {
                    return null;
                }

                var fetch = await FetchAsync(request.Url, part, place.Relative, cancellationToken).ConfigureAwait(false);
                part.FlushToDisk();
                if (fetch is not null)
                {
                    return fetch;
                }

                complete = part.Complete();
            }

            return await VideoVerifier.FinishAsync(complete, place, request.Expected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return CannotWrite(place.Relative, ex);
        }
    }

    private async Task<DownloadOutcome> DownloadByPathAsync(DownloadRequest request, CancellationToken cancellationToken)
    {
        if (!TryPrepare(request.OutputDirectory, request.RelativePath, out var relative, out var finalPath, out var failure))
        {
            return failure;
        }

        try
        {
            return await DownloadToAsync(request, relative, finalPath, cancellationToken).ConfigureAwait(false);
        }
        catch (PathTooLongException ex) when (!IsFallback(relative) && TryPrepareFallback(request.OutputDirectory, request.RelativePath, ex.Message, out relative, out finalPath, out failure))
        {
            // The file system refused the name although it passed validation (a shorter limit than usual): keep the paid result.
            return await DownloadToAsync(request, relative, finalPath, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DownloadOutcome> DownloadToAsync(DownloadRequest request, string relative, string finalPath, CancellationToken cancellationToken)
    {
        try
        {
            PartFileResult? complete;
            using (var part = PartFile.Open(finalPath + ".part", keepExisting: true))
            {
                var fetch = await FetchAsync(request.Url, part, relative, cancellationToken).ConfigureAwait(false);
                part.FlushToDisk();
                if (fetch is not null)
                {
                    return fetch;
                }

                complete = part.Complete();
            }

            return await VideoVerifier.FinishAsync(complete, finalPath, relative, request.Expected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not PathTooLongException)
        {
            return CannotWrite(relative, ex);
        }
    }

    /// <summary>Stores video bytes returned by a synchronous provider call, with the same verification and atomic rename.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance API, alongside DownloadAsync, so callers hold one downloader.")]
    public async Task<DownloadOutcome> SaveInlineAsync(ReadOnlyMemory<byte> video, string outputDirectory, string relativePath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!TryPrepare(outputDirectory, relativePath, out var relative, out var finalPath, out var failure))
        {
            return failure;
        }

        try
        {
            return await SaveInlineToAsync(video, relative, finalPath, expected, cancellationToken).ConfigureAwait(false);
        }
        catch (PathTooLongException ex) when (!IsFallback(relative) && TryPrepareFallback(outputDirectory, relativePath, ex.Message, out relative, out finalPath, out failure))
        {
            return await SaveInlineToAsync(video, relative, finalPath, expected, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<DownloadOutcome> SaveInlineToAsync(ReadOnlyMemory<byte> video, string relative, string finalPath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        try
        {
            PartFileResult complete;
            using (var part = PartFile.Open(finalPath + ".part", keepExisting: false))
            {
                part.Write(video.Span);
                part.FlushToDisk();
                complete = part.Complete();
            }

            var outcome = await VideoVerifier.FinishAsync(complete, finalPath, relative, expected, cancellationToken).ConfigureAwait(false);

            // Bytes from a synchronous reply cannot be fetched again: an unplayable one stays failed (and kept).
            return outcome.Failure == DownloadFailureKind.Undecodable
                ? outcome with { Retryable = false, Message = outcome.Message?.Replace("; downloading it again", "; a synchronous reply cannot be fetched again", StringComparison.Ordinal) }
                : outcome;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not PathTooLongException)
        {
            return CannotWrite(relative, ex);
        }
    }

    /// <summary>
    /// For resume: is the final file there, a valid MP4 as expected, and (when given) of the recorded SHA-256?
    /// A missing or damaged file is a retryable failure (download it again); the file is left untouched. A file that
    /// still matches <paramref name="recorded"/> (size, modification time, inode) is trusted without being read.
    /// </summary>
    public static Task<DownloadOutcome> VerifyExistingAsync(string outputDirectory, string relativePath, ExpectedVideo expected, string? expectedSha256, CancellationToken cancellationToken, FileStamp? recorded = null) =>
        ExistingFileCheck.RunAsync(outputDirectory, relativePath, expected, expectedSha256, cancellationToken, recorded);

    /// <summary>
    /// Re-verifies the paid file an earlier check kept as <c>&lt;name&gt;.unverified.mp4</c> and, when it plays, moves it
    /// to its final name. A failure (missing, still unplayable) leaves the file where it is.
    /// </summary>
    public static async Task<DownloadOutcome> AdoptKeptAsync(string outputDirectory, string relativePath, ExpectedVideo expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!TryPrepare(outputDirectory, relativePath, out var relative, out var finalPath, out var failure))
        {
            return failure;
        }

        var kept = VideoVerifier.UnverifiedName(relative);
        var check = await ExistingFileCheck.RunAsync(outputDirectory, kept, expected, null, cancellationToken).ConfigureAwait(false);
        if (!check.Success)
        {
            return check;
        }

        try
        {
            File.Move(VideoVerifier.UnverifiedName(finalPath), finalPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return DownloadOutcome.Fail(kept, DownloadFailureKind.Io, $"{kept}: cannot move it to {relative}: {ex.Message.ReplaceLineEndings(" ")} (check permissions)", retryable: false);
        }

        return check with { RelativePath = relative };
    }

    /// <summary>
    /// Checks the path (rules, inside the output directory, links followed) and creates its directory. A path that
    /// cannot be used (unsafe, too long for this file system, or leading out through a link) falls back to
    /// <see cref="OutputPaths.FallbackPath"/>: the result is already paid for and must not be lost. Only when the
    /// fallback fails too is the outcome a failure.
    /// </summary>
    internal static bool TryPrepare(string outputDirectory, string relativePath, out string relative, out string finalPath, out DownloadOutcome failure)
    {
        if (TryPrepareAt(outputDirectory, relativePath, out relative, out finalPath, out var problem, out var fatal))
        {
            failure = null!;
            return true;
        }

        return !fatal
            ? TryPrepareFallback(outputDirectory, relativePath, problem, out relative, out finalPath, out failure)
            : Fail(relativePath, problem, out relative, out failure);
    }

    private static bool TryPrepareFallback(string outputDirectory, string relativePath, string problem, out string relative, out string finalPath, out DownloadOutcome failure)
    {
        failure = null!;
        var fallback = OutputPaths.FallbackPath(relativePath);
        if (TryPrepareAt(outputDirectory, fallback, out relative, out finalPath, out var fallbackProblem, out _))
        {
            return true;
        }

        return Fail(relativePath, $"{problem}; the fallback name {fallback} failed too: {fallbackProblem}", out relative, out failure);
    }

    private static bool Fail(string relativePath, string problem, out string relative, out DownloadOutcome failure)
    {
        relative = OutputPaths.Printable(relativePath);
        failure = DownloadOutcome.Fail(relative, DownloadFailureKind.Io, $"output path '{relative}': {problem} (choose a writable --out directory)", retryable: false);
        return false;
    }

    /// <param name="fatal">The directory itself cannot be written (permissions, I/O): another name would not help.</param>
    private static bool TryPrepareAt(string outputDirectory, string relativePath, out string relative, out string finalPath, out string problem, out bool fatal)
    {
        finalPath = string.Empty;
        problem = string.Empty;
        fatal = false;
        if (!OutputPaths.TrySanitize(relativePath, out relative, out var error))
        {
            problem = error!;
            return false;
        }

        try
        {
            finalPath = OutputPaths.Resolve(outputDirectory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            return true;
        }
        catch (Exception ex) when (ex is PathTooLongException or ArgumentException)
        {
            problem = ex.Message.ReplaceLineEndings(" ");
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = "cannot prepare the output directory: " + ex.Message.ReplaceLineEndings(" ");
            fatal = true;
            return false;
        }
    }

    private static bool IsFallback(string relative) => relative.StartsWith(OutputPaths.FallbackDirectory + "/", StringComparison.Ordinal);

    /// <summary>Fills the part file. Returns null when it holds the whole body, else the failure.</summary>
    private async Task<DownloadOutcome?> FetchAsync(Uri url, PartFile part, string relative, CancellationToken cancellationToken)
    {
        var resumes = 0;
        var restarts = 0;
        long? total = null;
        while (true)
        {
            var from = part.Length;
            using var message = new HttpRequestMessage(HttpMethod.Get, url);
            if (from > 0)
            {
                message.Headers.Range = new RangeHeaderValue(from, null);
            }

            HttpResponseMessage response;
            try
            {
                // A server that accepts the connection and never answers must not hold a download worker forever.
                using var headersTimeout = new CancellationTokenSource(HeadersTimeout, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, headersTimeout.Token);
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return DownloadOutcome.Fail(relative, DownloadFailureKind.Http, $"{relative}: download failed: {Describe(ex)} (will retry)", retryable: true);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var range = response.Content.Headers.ContentRange;
                switch (response.StatusCode)
                {
                    case HttpStatusCode.RequestedRangeNotSatisfiable when from > 0 && range?.Length == from:
                        return null; // the part already holds the whole file
                    case HttpStatusCode.RequestedRangeNotSatisfiable:
                    case HttpStatusCode.PartialContent when range?.From != from:
                        if (++restarts > MaxRestarts)
                        {
                            return DownloadOutcome.Fail(relative, DownloadFailureKind.Http, $"{relative}: the server keeps refusing the byte range {from}- (HTTP {status}) (will retry)", retryable: true, status);
                        }

                        part.Reset();
                        continue;
                    case HttpStatusCode.PartialContent:
                        total = range!.Length;
                        break;
                    case HttpStatusCode.OK:
                        if (from > 0)
                        {
                            part.Reset();
                        }

                        total = response.Content.Headers.ContentLength;
                        break;
                    default:
                        return StatusFailure(relative, status);
                }

                var expectedEnd = total ?? (response.Content.Headers.ContentLength is { } length ? part.Length + length : null);
                var interruption = await CopyBodyAsync(response, part, cancellationToken).ConfigureAwait(false);
                if (interruption is null && (expectedEnd is null || part.Length == expectedEnd))
                {
                    return null;
                }

                if (part.Length > expectedEnd)
                {
                    return DownloadOutcome.Fail(relative, DownloadFailureKind.Http, $"{relative}: the server sent {part.Length} bytes, more than the {expectedEnd} it announced (will retry)", retryable: true, status);
                }

                if (++resumes > MaxResumes)
                {
                    var got = string.Create(CultureInfo.InvariantCulture, $"{part.Length} of {(expectedEnd?.ToString(CultureInfo.InvariantCulture) ?? "?")} bytes");
                    return DownloadOutcome.Fail(relative, DownloadFailureKind.Truncated, $"{relative}: body ended early {MaxResumes + 1} times ({got}{(interruption is null ? string.Empty : "; " + interruption)}); the .part file is kept and the next try resumes it", retryable: true, status);
                }
            }
        }
    }

    /// <summary>
    /// Copies until the body ends. Returns null at a clean end, or what interrupted it (network errors only). The
    /// buffer is written when full, at the end, and before an interruption is returned (what arrived is kept). The
    /// buffer is aligned for direct writes (<see cref="ReceiveBuffer"/>), and only a full one is written before the
    /// end, so every write but the last starts at an aligned offset.
    /// </summary>
    private async Task<string?> CopyBodyAsync(HttpResponseMessage response, PartFile part, CancellationToken cancellationToken)
    {
        var receive = ReceiveBuffer.Rent();
        var buffer = receive.Memory;
        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        var filled = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                int read;
                try
                {
                    stall.CancelAfter(StallTimeout);
                    read = await body.ReadAsync(buffer[filled..], linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    part.Write(buffer.Span[..filled]);
                    return string.Create(CultureInfo.InvariantCulture, $"no data for {StallTimeout.TotalSeconds:0} s");
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    part.Write(buffer.Span[..filled]);
                    return Describe(ex);
                }

                filled += read;
                if (read == 0 || filled == BufferSize)
                {
                    part.Write(buffer.Span[..filled]);
                    filled = 0;
                }

                if (read == 0)
                {
                    return null;
                }
            }
        }
        finally
        {
            receive.Dispose();
        }
    }

    private static DownloadOutcome CannotWrite(string relative, Exception ex) =>
        DownloadOutcome.Fail(relative, DownloadFailureKind.Io, $"{relative}: cannot write the file: {ex.Message.ReplaceLineEndings(" ")} (check free space and permissions of the output directory)", retryable: false);

    private static DownloadOutcome StatusFailure(string relative, int status) => status switch
    {
        403 or 404 or 410 => DownloadOutcome.Fail(relative, DownloadFailureKind.Expired, $"{relative}: result URL answered HTTP {status} (expired or gone; ask the provider for a fresh URL)", retryable: false, status),
        408 or 429 or >= 500 => DownloadOutcome.Fail(relative, DownloadFailureKind.Http, $"{relative}: download answered HTTP {status} (will retry)", retryable: true, status),
        _ => DownloadOutcome.Fail(relative, DownloadFailureKind.Http, $"{relative}: download answered HTTP {status} (not retried; check the provider's result)", retryable: false, status),
    };

    private static string Describe(Exception ex) => ex is OperationCanceledException
        ? "timed out"
        : ex.Message.ReplaceLineEndings(" ");
}
