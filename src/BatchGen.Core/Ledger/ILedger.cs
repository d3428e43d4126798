using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The durable memory of one batch, whatever holds it (a SQLite file: <see cref="SqliteLedger"/>; a PostgreSQL
/// database: BatchGen.Ledger.Postgres). The contract every backend keeps:
/// <list type="bullet">
/// <item>Events are append-only; each is written with the job's current row in one transaction.</item>
/// <item>An awaited <see cref="AppendAsync"/> is durable (the write-ahead rule: the submit intent is on disk before
/// the request leaves, the remote id before anything else happens to the job).</item>
/// <item>Reads see committed data only; the schema is versioned and a newer one than the binary knows is refused.</item>
/// </list>
/// Errors are <see cref="LedgerException"/> with one line naming <see cref="Location"/> (never a password).
/// </summary>
public interface ILedger : IAsyncDisposable
{
    /// <summary>Where the batch lives, for messages: a file path, or a server address and batch name (no password).</summary>
    string Location { get; }

    /// <summary>Lines the user should see about how the ledger was opened (a lock taken over, a rollback accepted...).</summary>
    IReadOnlyList<string> Notices { get; }

    /// <summary>Read-only: the ledger ends before what was recorded as written (events lost); null when not.</summary>
    string? RollbackWarning { get; }

    /// <summary>
    /// Inserts unknown jobs as pending (one 'pending' event each), refreshes the stored spec of known ones, and marks
    /// every ledger job in or out of the manifest. Streams <paramref name="jobs"/>.
    /// </summary>
    Task<LedgerSyncResult> SyncJobsAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the event (its time set by the ledger) and updates the job's row in one transaction; completes once
    /// both are durable. Safe from many tasks at once. An unknown job id fails with a <see cref="LedgerException"/>.
    /// </summary>
    Task AppendAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken);

    Task<LedgerJob?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Every job in insertion order, streamed.</summary>
    IAsyncEnumerable<LedgerJob> ReadJobsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every job's spec and last update, in no particular order: what the reports need to lay out the contact sheet
    /// before they read the jobs in id order. The default reads every job; a ledger may answer it cheaper.
    /// </summary>
    IAsyncEnumerable<LedgerJobHead> ReadJobHeadsAsync(CancellationToken cancellationToken) =>
        ReadJobsAsync(cancellationToken).Select(j => new LedgerJobHead(j.Spec, j.UpdatedAt));

    /// <summary>
    /// The axis names of the batch in order of first appearance over the jobs sorted by id (the manifest's declared
    /// order), for a report rebuilt without its manifest. The default reads every job; a ledger may answer it cheaper.
    /// </summary>
    Task<IReadOnlyList<string>> ReadAxisNamesAsync(CancellationToken cancellationToken) =>
        LedgerAxisNames.FromJobsAsync(ReadJobsByIdAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Every job sorted by id (ordinal: ids are ASCII), streamed: what the reports read, one row in memory at a time.
    /// The default sorts in memory; the ledgers answer it from their id index.
    /// </summary>
    async IAsyncEnumerable<LedgerJob> ReadJobsByIdAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var jobs = new List<LedgerJob>();
        await foreach (var job in ReadJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(job);
        }

        foreach (var job in jobs.OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            yield return job;
        }
    }

    /// <summary>
    /// A hash of every row a report is built from (jobs, their outputs and stored objects, votes, ratings, video
    /// checks): equal hashes mean the reports would come out the same. Null when the ledger cannot tell (then the
    /// reports are always rewritten).
    /// </summary>
    Task<string?> ReportDataHashAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>One provider's jobs in insertion order, read in pages on short transactions.</summary>
    IAsyncEnumerable<LedgerJob> ReadJobsAsync(string provider, CancellationToken cancellationToken, int pageSize = 1000);

    /// <summary>
    /// What <see cref="SyncJobsAsync"/> would find when the ledger was last synced with these very jobs (the same ids,
    /// providers and specs, in order) and still marks as many in the manifest; null when it must sync (the default).
    /// <paramref name="jobs"/> is enumerated once, only when a key is recorded.
    /// </summary>
    Task<LedgerSyncResult?> SyncedAlreadyAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken) => Task.FromResult<LedgerSyncResult?>(null);

    /// <summary>
    /// Every job in insertion order, streamed, with only what the budget, the money figures, retry planning and the
    /// closing lines read: state, attempts, remote id, costs, error class and code, submit and update times, whether it
    /// is in the manifest and the video warning. <see cref="LedgerJob.Spec"/> holds only the id and provider; URLs,
    /// paths, hashes, outputs and the rest stay unset (read the job with <see cref="GetJobAsync"/> when they matter).
    /// The default reads whole rows; the ledgers answer it without parsing specs or outputs.
    /// </summary>
    IAsyncEnumerable<LedgerJob> ReadJobSummariesAsync(CancellationToken cancellationToken) => ReadJobsAsync(cancellationToken);

    /// <summary>
    /// One provider's jobs in insertion order except those in <paramref name="skipped"/>, paged like
    /// <see cref="ReadJobsAsync(string, CancellationToken, int)"/>: what a resume routes besides the files it checks.
    /// </summary>
    async IAsyncEnumerable<LedgerJob> ReadJobsExceptAsync(string provider, JobState skipped, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var job in ReadJobsAsync(provider, cancellationToken).ConfigureAwait(false))
        {
            if (job.State != skipped)
            {
                yield return job;
            }
        }
    }

    /// <summary>
    /// One provider's succeeded jobs still in the manifest, in insertion order, with each output's recorded file
    /// (path, size, modification time, inode, whether a SHA-256 is recorded): what a resume needs to trust the files
    /// without reading them. The default reads whole rows.
    /// </summary>
    async IAsyncEnumerable<SavedJob> ReadSavedJobsAsync(string provider, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var job in ReadJobsAsync(provider, cancellationToken).ConfigureAwait(false))
        {
            if (job is { State: JobState.Succeeded, InManifest: true })
            {
                yield return SavedJob.Of(job);
            }
        }
    }

    /// <summary>Events of one job, or of all jobs when <paramref name="jobId"/> is null, in the order they were written.</summary>
    IAsyncEnumerable<LedgerEvent> ReadEventsAsync(string? jobId, CancellationToken cancellationToken);

    /// <summary>Jobs per state (every state present, zero when none), over all providers or one.</summary>
    Task<IReadOnlyDictionary<JobState, int>> CountByStateAsync(string? provider, CancellationToken cancellationToken);

    /// <summary>Sets a free-form key (manifest path, run name...). Durable when the task completes.</summary>
    Task SetMetaAsync(string key, string value, CancellationToken cancellationToken);

    Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every meta key and value (for copies between backends).</summary>
    Task<IReadOnlyDictionary<string, string>> ReadMetaAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records a verified webhook delivery, durably, before it is acknowledged. False when the same provider, task and
    /// status was recorded before (a repeated delivery must have no further effect).
    /// </summary>
    Task<bool> RecordWebhookAsync(string provider, string remoteId, string status, string? jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Every upload of a local image recorded (<see cref="IUploadLog"/>), oldest first, streamed: what a copy between
    /// ledgers carries (none for a ledger that predates uploads).
    /// </summary>
    IAsyncEnumerable<UploadRecord> ReadUploadsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every webhook delivery recorded (<see cref="RecordWebhookAsync"/>), streamed in key order: what a copy between
    /// ledgers carries, so a provider's re-delivery stays a repeat (none for a ledger that predates webhooks).
    /// </summary>
    IAsyncEnumerable<RecordedWebhook> ReadWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>The batch's votes, ratings and automatic video checks.</summary>
    Task<Reviews.ReviewData> ReadReviewsAsync(CancellationToken cancellationToken);
}
