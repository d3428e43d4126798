using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>The download stage's provider half (fresh result URLs) and what it records.</summary>
internal sealed partial class DownloadStage
{
    private const string RegenerateHint = "it cannot be downloaded again without generating it anew ('batchgen retry --all-failed' pays for a new one)";

    /// <summary>
    /// Asks the provider for the task again: its current result URLs, merged with what is recorded about each output.
    /// Null with a one-line reason when there is no task to ask, or it no longer offers the video (<c>Gone</c>: only a
    /// new generation can give it).
    /// </summary>
    private async Task<(List<LedgerOutput>? Outputs, DownloadOutcome? Failure, bool Gone)> RefreshAsync(DownloadItem item, IReadOnlyList<LedgerOutput> outputs)
    {
        var spec = item.Spec;
        var missing = outputs.FirstOrDefault(o => o.ResultUrl is null) ?? new LedgerOutput { Index = 1 };
        var path = JobOutputs.PathOf(spec, missing);
        if (item.RemoteId is null || item.RemoteId.StartsWith("sync:", StringComparison.Ordinal))
        {
            // A synchronous reply has no task to ask again: its bytes were lost before they were saved.
            return (null, Expired(path, $"{spec.Provider} returned this video in its reply (no task to ask again) and the bytes were lost before they were saved; {RegenerateHint}", retryable: false), true);
        }

        if (!_clients.TryGetValue(spec.Provider, out var client))
        {
            var reason = _context.UnavailableReason(spec.Provider) ?? $"{spec.Provider}: provider not available in this run";
            return (null, Expired(path, $"no result URL for task {item.RemoteId}, and the provider cannot be asked for one ({reason})", retryable: true), false);
        }

        var poll = await client.PollAsync(item.RemoteId, _context.StopToken).ConfigureAwait(false);
        _context.ObserveCredits(spec.Provider, poll.RemainingCredits);
        if (poll.State == RemoteState.Succeeded && poll.ResultUrls.Count > 0)
        {
            var fresh = JobOutputs.WithUrls(outputs, poll.ResultUrls);
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = spec.Id,
                State = JobState.Generated,
                ResultUrl = poll.ResultUrls[0].ToString(),
                Outputs = fresh.Where(o => o.ResultUrl is not null).Select(o => new LedgerOutput { Index = o.Index, ResultUrl = o.ResultUrl }).ToList(),
                Note = "result URL refreshed",
            }).ConfigureAwait(false);
            if (fresh.FirstOrDefault(o => o.ResultUrl is null) is { } gone)
            {
                return (null, Expired(JobOutputs.PathOf(spec, gone), $"{spec.Provider} task {item.RemoteId} now lists {poll.ResultUrls.Count} outputs, not output {gone.Index}; {RegenerateHint}", retryable: false), true);
            }

            return (fresh, null, false);
        }

        if (poll.State is null && poll.Error is { Class: ErrorClass.Retryable or ErrorClass.Account } transient)
        {
            return (null, DownloadOutcome.Fail(path, DownloadFailureKind.Http, $"{path}: could not ask {spec.Provider} for a fresh result URL of task {item.RemoteId}: {transient.Message} ('batchgen retry --failed' tries again)", retryable: true, poll.HttpStatus), false);
        }

        var said = poll.Error?.Message ?? $"status {poll.RawStatus ?? "unknown"}, no result URL";
        return (null, Expired(path, $"the result URL expired and {spec.Provider} task {item.RemoteId} no longer offers the video ({said}); {RegenerateHint}", retryable: false), true);
    }

    private async Task<bool> RecordSuccessAsync(DownloadItem item, List<SavedOutput> outputs, int taken)
    {
        var saved = outputs.Select(o => o.Output).ToList();
        var first = saved[0];
        var video = outputs[0].Video;
        var note = (taken, saved.Count) switch
        {
            (0, 1) => null,
            (0, _) => $"{saved.Count} outputs saved",
            var (t, n) when t == n => n == 1 ? "file found complete on disk after an interruption" : $"{n} outputs found complete on disk",
            var (t, n) => $"{n - t} of {n} outputs downloaded again, {t} found complete on disk",
        };
        await _context.RecordAsync(new LedgerEvent
        {
            JobId = item.Spec.Id,
            State = JobState.Succeeded,
            FilePath = first.FilePath,
            Bytes = first.Bytes,
            Sha256 = first.Sha256,
            Video = video,
            Outputs = saved,
            Note = video?.Warning is { } warning ? $"video differs from the request: {warning}" + (note is null ? string.Empty : $"; {note}") : note,
        }).ConfigureAwait(false);
        if (_context.Store is { } store)
        {
            // The job is recorded as succeeded first: a failed upload never loses the paid file (it stays on disk).
            await store.StoreAsync(item.Spec, saved).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Records the failure. <paramref name="gone"/>: the provider no longer has the video (code <c>result_gone</c>, a
    /// permanent failure: <c>retry --failed</c> leaves it and says so, <c>retry --all-failed</c> generates it again).
    /// </summary>
    private async Task<bool> RecordFailureAsync(DownloadItem item, List<LedgerOutput> saved, DownloadOutcome outcome, bool gone = false)
    {
        await _context.RecordAsync(new LedgerEvent
        {
            JobId = item.Spec.Id,
            State = JobState.Failed,
            HttpStatus = outcome.HttpStatus,
            ErrorClass = outcome.Failure == DownloadFailureKind.VerifyFailed || gone || (outcome.Failure == DownloadFailureKind.Undecodable && !outcome.Retryable)
                ? ErrorClass.Permanent
                : ErrorClass.Retryable,
            ErrorCode = outcome.Failure switch
            {
                _ when gone => "result_gone",
                DownloadFailureKind.VerifyFailed => "verify_failed",
                DownloadFailureKind.Undecodable => "undecodable",
                DownloadFailureKind.Expired => "expired",
                DownloadFailureKind.Truncated => "truncated",
                DownloadFailureKind.Io => "io_error",
                _ => "download_failed",
            },
            ErrorMessage = $"download: {outcome.Message}",
            FilePath = outcome.Failure == DownloadFailureKind.VerifyFailed ? outcome.RelativePath : null,
            // The outputs saved before the failure stay recorded: the next try fetches only the others.
            Outputs = saved,
        }).ConfigureAwait(false);
        return false;
    }

    private static DownloadOutcome NoResult(DownloadItem item) => new()
    {
        Success = false,
        RelativePath = item.Spec.OutputPath,
        Failure = DownloadFailureKind.Expired,
        Message = $"{item.Spec.Provider}: no result URL could be obtained for task {item.RemoteId}",
        Retryable = true,
    };

    private static DownloadOutcome Expired(string path, string message, bool retryable) =>
        DownloadOutcome.Fail(path, DownloadFailureKind.Expired, $"{path}: {message}", retryable);
}
