using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// Before a run: puts failed jobs back in line when the user asked (<c>retry</c>), at the latest step that does not
/// pay again (download, then poll, then submit), and reconciles ambiguous submits where the provider can be asked.
/// </summary>
internal static class ResumePlanner
{
    /// <summary>Failure codes after which the remote task may still finish or be polled again.</summary>
    private static readonly HashSet<string> RepollableCodes = new(StringComparer.Ordinal) { "deadline", "timeout", "circuit_open", "server_error", "rate_limited", "connection" };

    /// <summary>Failure codes of the download stage (or a finished task without a URL): the video exists at the provider.</summary>
    private static readonly HashSet<string> DownloadCodes = new(StringComparer.Ordinal) { "expired", "truncated", "io_error", "download_failed", "malformed_reply", "undecodable" };

    /// <summary>
    /// As <see cref="PrepareAsync(ILedger, RunRequest, TimeProvider, CancellationToken)"/>, without reading the ledger when
    /// <paramref name="sync"/> added every job it holds (a batch's first run, outside a fleet): all are pending, so nothing
    /// is failed, in flight or ambiguous.
    /// </summary>
    public static Task<RetryReport> PrepareAsync(ILedger ledger, RunRequest request, LedgerSyncResult sync, TimeProvider time, CancellationToken cancellationToken) =>
        sync is { Existing: 0, Lost: 0 } && request.Fleet is null
            ? Task.FromResult(new RetryReport(request.Options.RetryFailed, 0, new SortedDictionary<string, int>(StringComparer.Ordinal)))
            : PrepareAsync(ledger, request, time, cancellationToken);

    /// <summary>Resets the failed jobs asked for and reconciles ambiguous submits; says what a retry took up and what it left.</summary>
    public static async Task<RetryReport> PrepareAsync(ILedger ledger, RunRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var toReset = new List<string>();
        var left = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var ambiguous = new Dictionary<string, List<LedgerJob>>(StringComparer.Ordinal);
        var knownRemoteIds = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        // Summary rows (no spec, no outputs): a job to reset is read whole below, once it is known to be one.
        await foreach (var job in ledger.ReadJobSummariesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (job.RemoteId is not null)
            {
                Bucket(knownRemoteIds, job.Provider).Add(job.RemoteId);
            }

            if (!job.InManifest)
            {
                continue;
            }

            if (job.State == JobState.Failed && Wants(request.Options.RetryFailed, job))
            {
                toReset.Add(job.Id);
            }
            else if (job.State == JobState.Failed)
            {
                var code = job.ErrorCode ?? "failed";
                left[code] = left.GetValueOrDefault(code) + 1;
            }
            else if (job.State == JobState.Submitting && time.GetUtcNow() - job.UpdatedAt >= request.Options.ReconcileSettleTime)
            {
                Bucket(ambiguous, job.Provider).Add(job);
            }
        }

        var resets = 0;
        foreach (var id in toReset)
        {
            if (await ledger.GetJobAsync(id, cancellationToken).ConfigureAwait(false) is { State: JobState.Failed } job)
            {
                await ledger.AppendAsync(RetryEvent(job), cancellationToken).ConfigureAwait(false);
                resets++;
            }
        }

        foreach (var (provider, jobs) in ambiguous)
        {
            if (request.Adapters.TryGetValue(provider, out var adapter) && adapter is ITaskLister lister)
            {
                await ReconcileAsync(ledger, lister, jobs, knownRemoteIds.GetValueOrDefault(provider) ?? [], cancellationToken).ConfigureAwait(false);
            }
        }

        return new RetryReport(request.Options.RetryFailed, resets, left);
    }

    /// <summary>
    /// Asks the provider for its task list. When every task it lists is already known to the ledger, none of the
    /// ambiguous submits (all older than the settle time) reached it, so they can safely go back to pending. Otherwise
    /// they stay ambiguous: an unknown task cannot be matched to a job with certainty. This trusts the list to be
    /// complete: the provider documents no paging for it.
    /// </summary>
    private static async Task ReconcileAsync(ILedger ledger, ITaskLister lister, List<LedgerJob> jobs, HashSet<string> known, CancellationToken cancellationToken)
    {
        var tasks = await lister.ListTasksAsync(cancellationToken).ConfigureAwait(false);
        if (tasks is null)
        {
            return;
        }

        var orphans = tasks.Count(t => !known.Contains(t.RemoteId));
        if (orphans > 0)
        {
            return;
        }

        foreach (var job in jobs)
        {
            await ledger.AppendAsync(new LedgerEvent
            {
                JobId = job.Id,
                State = JobState.Pending,
                Note = "ambiguous submit reconciled: the provider's task list has no unknown task, so it never arrived",
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Wants(RetryFailedMode mode, LedgerJob job) => mode switch
    {
        RetryFailedMode.All => true,
        // verify_failed: an older check refused a paid, kept video for its frame size or duration; re-verify it.
        RetryFailedMode.Retryable => job.ErrorClass == ErrorClass.Retryable || job.ErrorCode == "verify_failed",
        _ => false,
    };

    private static LedgerEvent RetryEvent(LedgerJob job)
    {
        var state = job switch
        {
            // The paid file was kept as *.unverified.mp4: adopt it if it plays, else download it again. Never pay again.
            { ErrorCode: "verify_failed" } => JobState.Generated,
            // A download failed (retryable): the task succeeded, so ask it for a fresh URL; never generate (pay) again.
            { RemoteId: { } id, ErrorClass: ErrorClass.Retryable, ErrorCode: { } code }
                when DownloadCodes.Contains(code) && !id.StartsWith("sync:", StringComparison.Ordinal) => JobState.Submitted,
            { ResultUrl: not null, ErrorCode: not "expired" and not "verify_failed" } => JobState.Generated,
            { RemoteId: not null, ErrorCode: { } code } when RepollableCodes.Contains(code) => JobState.Submitted,
            // Generation failed, the provider lost the result (Segmind after its retention), or --all-failed: a new task.
            _ => JobState.Pending,
        };
        return new LedgerEvent { JobId = job.Id, State = state, Note = $"retry requested after {job.ErrorCode ?? "failure"}" };
    }

    private static TValue Bucket<TValue>(Dictionary<string, TValue> map, string key)
        where TValue : new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new TValue();
            map[key] = value;
        }

        return value;
    }
}
