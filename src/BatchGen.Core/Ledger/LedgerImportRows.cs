namespace BatchGen.Core.Ledger;

/// <summary>The column lists and values of copied rows, shared by every backend's import (same order as the lists).</summary>
internal static class LedgerImportRows
{
    public static readonly string[] JobColumns =
    [
        "id", "seq", "provider", "state", "spec_json", "attempts", "remote_id", "result_url", "file_path", "bytes", "sha256",
        "estimated_cost_usd", "actual_cost_usd", "error_class", "error_code", "error_message", "submitted_at", "started_at",
        "completed_at", "updated_at", "in_manifest", "video_width", "video_height", "video_seconds", "video_codec", "video_warning",
    ];

    public static readonly string[] EventColumns =
    [
        "time", "job_id", "state", "attempt", "remote_id", "http_status", "error_class", "error_code", "error_message",
        "estimated_cost_usd", "actual_cost_usd", "result_url", "file_path", "bytes", "sha256", "note",
    ];

    public static readonly string[] OutputColumns =
    [
        "job_id", "output_index", "result_url", "file_path", "bytes", "sha256", "width", "height", "duration_seconds", "updated_at",
        "file_mtime_ns", "file_inode",
    ];

    public static readonly string[] ObjectColumns =
    [
        "job_id", "output_index", "object_key", "object_url", "bytes", "sha256", "etag", "stored_at",
    ];

    /// <summary>The <c>uploads</c> columns (the sequence number is the target's own: rows are written in source order).</summary>
    public static readonly string[] UploadColumns = ["time", "sha256", "provider", "url", "bytes", "expires_at", "pending"];

    public static readonly string[] WebhookColumns = ["provider", "remote_id", "status", "time", "job_id"];

    /// <summary>The <c>events</c> columns of a SQLite ledger (schema step <c>compact_keys</c>): the job by its seq.</summary>
    public static readonly string[] KeyedEventColumns = ["job_seq", .. EventColumns.Where(c => c != "job_id")];

    /// <summary>The <c>outputs</c> columns of a SQLite ledger (schema step <c>compact_keys</c>): the job by its seq.</summary>
    public static readonly string[] KeyedOutputColumns = ["job_seq", .. OutputColumns.Skip(1)];

    /// <summary>A job row for a SQLite ledger: <see cref="Job"/> with integer times (<see cref="LedgerValues.Ticks"/>) and the remote id and SHA-256 in their stored form (<see cref="LedgerBlobs"/>).</summary>
    public static object?[] KeyedJob(LedgerJob job, long seq)
    {
        var row = Job(job, seq);
        row[16] = Ticks(job.SubmittedAt);
        row[17] = Ticks(job.StartedAt);
        row[18] = Ticks(job.CompletedAt);
        row[19] = LedgerValues.Ticks(job.UpdatedAt);
        row[6] = LedgerBlobs.RemoteId(job.RemoteId);
        row[10] = LedgerBlobs.Sha256(job.Sha256);
        return row;
    }

    /// <summary>An event row for a SQLite ledger, in <see cref="KeyedEventColumns"/> order, naming its job by <paramref name="jobSeq"/> (stored forms as for a job).</summary>
    public static object?[] KeyedEvent(LedgerEvent e, long jobSeq)
    {
        var row = Event(e);
        row[4] = LedgerBlobs.RemoteId(e.RemoteId);
        row[14] = LedgerBlobs.Sha256(e.Sha256);
        return [jobSeq, LedgerValues.Ticks(e.Time), LedgerValues.StateCode(e.State), .. row.Skip(3)];
    }

    /// <summary>An output row for a SQLite ledger, in <see cref="KeyedOutputColumns"/> order.</summary>
    public static object?[] KeyedOutput(LedgerJob job, long jobSeq, LedgerOutput output)
    {
        var row = Output(job, output);
        row[0] = jobSeq;
        row[9] = LedgerValues.Ticks(job.UpdatedAt);
        row[5] = LedgerBlobs.Sha256(output.Sha256);
        return row;
    }

    /// <summary>
    /// Meta keys that describe the ledger file itself, not the batch: a copy never carries them over (nor a SQLite
    /// ledger's shared lists of axes: the copy writes each job's axes in full).
    /// </summary>
    public static bool IsOwnMeta(string key) =>
        key is LedgerSchema.FormatKey or "schema_version" or "created_at" or "ledger_id" || key.StartsWith("migrated:", StringComparison.Ordinal)
        || key.StartsWith(LedgerAxisLists.MetaPrefix, StringComparison.Ordinal);

    public static object?[] Job(LedgerJob job, long seq) =>
    [
        job.Id, seq, job.Provider, LedgerValues.State(job.State), LedgerValues.Spec(job.Spec), job.Attempts, job.RemoteId,
        job.ResultUrl, job.FilePath, job.Bytes, job.Sha256, Money(job.EstimatedCostUsd), Money(job.ActualCostUsd),
        job.ErrorClass is { } errorClass ? LedgerValues.ErrorClassName(errorClass) : null, job.ErrorCode, job.ErrorMessage,
        Time(job.SubmittedAt), Time(job.StartedAt), Time(job.CompletedAt), LedgerValues.Time(job.UpdatedAt), job.InManifest ? 1L : 0L,
        job.Video?.Width, job.Video?.Height, job.Video?.Seconds, job.Video?.Codec, job.Video?.Warning,
    ];

    public static object?[] Event(LedgerEvent e) =>
    [
        LedgerValues.Time(e.Time), e.JobId, LedgerValues.State(e.State), e.Attempt, e.RemoteId, e.HttpStatus,
        e.ErrorClass is { } errorClass ? LedgerValues.ErrorClassName(errorClass) : null, e.ErrorCode, e.ErrorMessage,
        Money(e.EstimatedCostUsd), Money(e.ActualCostUsd), e.ResultUrl, e.FilePath, e.Bytes, e.Sha256, e.Note,
    ];

    public static object?[] Output(LedgerJob job, LedgerOutput output) =>
    [
        job.Id, output.Index, output.ResultUrl, output.FilePath, output.Bytes, output.Sha256, output.Width, output.Height,
        output.DurationSeconds, LedgerValues.Time(job.UpdatedAt), output.FileModifiedNs, output.FileInode,
    ];

    /// <summary>The output's stored object as a <c>stored_objects</c> row, or null when it has none (or the record is incomplete).</summary>
    public static object?[]? StoredObject(LedgerJob job, LedgerOutput output) =>
        output is { ObjectKey: { } key, ObjectUrl: { } url, Bytes: { } bytes, Sha256: { } sha256 }
            ? [job.Id, output.Index, key, url, bytes, sha256, null, LedgerValues.Time(output.StoredAt ?? job.UpdatedAt)]
            : null;

    public static object?[] Upload(UploadRecord upload) =>
    [
        LedgerValues.Time(upload.Time), upload.Sha256, upload.Provider, upload.Url, upload.Bytes, Time(upload.ExpiresAt), upload.Pending ? 1 : 0,
    ];

    public static object?[] Webhook(RecordedWebhook delivery) =>
        [delivery.Provider, delivery.RemoteId, delivery.Status, LedgerValues.Time(delivery.Time), delivery.JobId];

    private static string? Money(decimal? value) => value is { } v ? LedgerValues.Money(v) : null;

    private static string? Time(DateTimeOffset? value) => value is { } v ? LedgerValues.Time(v) : null;

    private static long? Ticks(DateTimeOffset? value) => value is { } v ? LedgerValues.Ticks(v) : null;
}
