using System.Data.Common;
using System.Runtime.CompilerServices;
using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The reads a resume makes over every job, kept narrow: a re-run of a finished batch reads each row's few columns it
/// needs (never parsing specs or output lists) and checks files from their recorded stamps.
/// </summary>
public sealed partial class SqliteLedger
{
    private const int SavedPageSize = 1000;

    private const string SummaryColumns =
        "id, provider, state, attempts, remote_id, estimated_cost_usd, actual_cost_usd, error_class, error_code, submitted_at, updated_at, in_manifest, video_warning";

    /// <summary>A placeholder request for summary rows, whose spec is not read (see <see cref="ILedger.ReadJobSummariesAsync"/>).</summary>
    private static readonly JobParameters NotRead = new() { Prompt = string.Empty, ImageUrl = string.Empty, Duration = 0, Resolution = string.Empty, AspectRatio = string.Empty };

    /// <inheritdoc/>
    public async Task<LedgerSyncResult?> SyncedAlreadyAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var writer = Writable();
        // No key recorded (a new ledger, or a sync cut short): the jobs are not expanded twice for nothing.
        if (await GetMetaAsync(LedgerJobSync.MetaKey, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var key = LedgerJobSync.Key(jobs);
        return await writer.ExclusiveAsync(
            connection => LedgerJobSync.IsCurrent(connection, key, out var existing, out var lost) ? new LedgerSyncResult(0, existing, lost) : null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<LedgerJob> ReadJobSummariesAsync(CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {SummaryColumns} FROM jobs ORDER BY seq;", null, ReadSummary, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<LedgerJob> ReadJobsExceptAsync(string provider, JobState skipped, CancellationToken cancellationToken) =>
        ReadJobPagesAsync(provider, $"AND state <> '{LedgerValues.State(skipped)}'", 1000, cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<SavedJob> ReadSavedJobsAsync(string provider, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A run's ledger is always migrated (outputs, stamps, compact rows, integer keys); one opened read-only may not be:
        // whole rows.
        if (_writer is null)
        {
            await foreach (var job in ReadJobsAsync(provider, cancellationToken).ConfigureAwait(false))
            {
                if (job is { State: JobState.Succeeded, InManifest: true })
                {
                    yield return SavedJob.Of(job);
                }
            }

            yield break;
        }

        long after = 0;
        while (true)
        {
            // A page of jobs at a time on its own short read (like the other paged reads): one row per output (a job
            // without output records gives one row of nulls); a compact output's path and SHA-256 are its event's.
            var sql = $"""
                SELECT j.seq, j.id, o.output_index, COALESCE(o.file_path, ef.file_path), o.bytes, o.file_mtime_ns, o.file_inode,
                       COALESCE(o.sha256, ef.sha256) IS NOT NULL
                FROM jobs j
                LEFT JOIN outputs o ON o.job_seq = j.seq
                LEFT JOIN events ef ON ef.seq = o.file_event
                WHERE j.seq IN (SELECT seq FROM jobs WHERE provider = $id AND state = 'succeeded' AND in_manifest = 1 AND seq > {after} ORDER BY seq LIMIT {SavedPageSize})
                ORDER BY j.seq, o.output_index;
                """;
            var page = new List<SavedJob>(SavedPageSize);
            List<SavedOutput>? outputs = null;
            await foreach (var (seq, id, output) in StreamAsync(sql, provider, ReadSavedOutput, cancellationToken).ConfigureAwait(false))
            {
                if (outputs is null || !string.Equals(page[^1].Id, id, StringComparison.Ordinal))
                {
                    outputs = [];
                    page.Add(new SavedJob(id, outputs));
                    after = seq;
                }

                if (output is { } o)
                {
                    outputs.Add(o);
                }
            }

            foreach (var job in page)
            {
                yield return job;
            }

            if (page.Count < SavedPageSize)
            {
                yield break;
            }
        }
    }

    private static (long Seq, string Id, SavedOutput? Output) ReadSavedOutput(DbDataReader r)
    {
        var seq = r.GetInt64(0);
        var id = r.GetString(1);
        if (r.IsDBNull(2))
        {
            return (seq, id, null);
        }

        var stamp = r.IsDBNull(4) || r.IsDBNull(5) || r.IsDBNull(6) ? (FileStamp?)null : new FileStamp(r.GetInt64(4), r.GetInt64(5), r.GetInt64(6));
        return (seq, id, new SavedOutput(r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), stamp, r.GetInt64(7) != 0));
    }

    private static LedgerJob ReadSummary(DbDataReader r) => new()
    {
        Spec = new JobSpec { Id = r.GetString(0), Provider = r.GetString(1), Parameters = NotRead, Axes = [], OutputPath = string.Empty },
        State = LedgerValues.ParseState(r.GetString(2)),
        Attempts = r.GetInt32(3),
        RemoteId = LedgerBlobs.ReadRemoteId(r, 4),
        EstimatedCostUsd = r.IsDBNull(5) ? null : LedgerValues.ParseMoney(r.GetString(5)),
        ActualCostUsd = r.IsDBNull(6) ? null : LedgerValues.ParseMoney(r.GetString(6)),
        ErrorClass = r.IsDBNull(7) ? null : LedgerValues.ParseErrorClass(r.GetString(7)),
        ErrorCode = r.IsDBNull(8) ? null : r.GetString(8),
        SubmittedAt = r.IsDBNull(9) ? null : LedgerValues.ReadTime(r, 9),
        UpdatedAt = LedgerValues.ReadTime(r, 10),
        InManifest = r.GetInt64(11) != 0,
        Video = r.IsDBNull(12) ? null : new Media.VideoFacts(0, 0, 0, string.Empty) { Warning = r.GetString(12) },
    };
}
