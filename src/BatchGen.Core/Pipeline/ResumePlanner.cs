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

    public static async Task PrepareAsync(SqliteLedger ledger, RunRequest request, CancellationToken cancellationToken)
    {
        var resets = new List<LedgerEvent>();
        var ambiguous = new Dictionary<string, List<LedgerJob>>(StringComparer.Ordinal);
        var knownRemoteIds = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await foreach (var job in ledger.ReadJobsAsync(cancellationToken).ConfigureAwait(false))
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
                resets.Add(RetryEvent(job));
            }
            else if (job.State == JobState.Submitting)
            {
                Bucket(ambiguous, job.Provider).Add(job);
            }
        }

        foreach (var reset in resets)
        {
            await ledger.AppendAsync(reset, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (provider, jobs) in ambiguous)
        {
            if (request.Adapters.TryGetValue(provider, out var adapter) && adapter is ITaskLister lister)
            {
                await ReconcileAsync(ledger, lister, jobs, knownRemoteIds.GetValueOrDefault(provider) ?? [], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Asks the provider for its task list. When every task it lists is already known to the ledger, none of the
    /// ambiguous submits reached it, so they can safely go back to pending. Otherwise they stay ambiguous: an unknown
    /// task cannot be matched to a job with certainty.
    /// </summary>
    private static async Task ReconcileAsync(SqliteLedger ledger, ITaskLister lister, List<LedgerJob> jobs, HashSet<string> known, CancellationToken cancellationToken)
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
        RetryFailedMode.Retryable => job.ErrorClass == ErrorClass.Retryable,
        _ => false,
    };

    private static LedgerEvent RetryEvent(LedgerJob job)
    {
        var state = job switch
        {
            { ResultUrl: not null, ErrorCode: not "expired" } => JobState.Generated,
            // The result URL expired: the task succeeded, so ask it for a fresh URL; never generate (pay) again.
            { ResultUrl: not null, RemoteId: not null, ErrorCode: "expired" } => JobState.Submitted,
            { RemoteId: not null, ErrorCode: { } code } when RepollableCodes.Contains(code) => JobState.Submitted,
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
