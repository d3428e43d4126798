using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The prepared statements of an append: update the job's current row, then (only if the job exists) insert the
/// event and write its output records. Null event fields leave the row's value; error fields are cleared on success;
/// the row keeps the first submit, start and completion times; the room a pending row reserved (<c>spare</c>) is given
/// back. SHA-256s and remote ids are written in their stored form (<see cref="LedgerBlobs"/>). Every statement is prepared once (see <see cref="LedgerStatement"/>).
/// </summary>
internal sealed class LedgerAppendCommands : IDisposable
{
    private const string UpdateSql = """
        UPDATE jobs SET
            state = $state,
            attempts = MAX(attempts, $attempt),
            remote_id = COALESCE($remote_id, remote_id),
            result_url = COALESCE($job_result_url, result_url),
            file_path = COALESCE($job_file_path, file_path),
            bytes = COALESCE($bytes, bytes),
            sha256 = COALESCE($job_sha256, sha256),
            estimated_cost_usd = COALESCE($estimated_cost_usd, estimated_cost_usd),
            actual_cost_usd = COALESCE($actual_cost_usd, actual_cost_usd),
            error_class = CASE WHEN $state = 'succeeded' THEN NULL ELSE COALESCE($error_class, error_class) END,
            error_code = CASE WHEN $state = 'succeeded' THEN NULL ELSE COALESCE($error_code, error_code) END,
            error_message = CASE WHEN $state = 'succeeded' THEN NULL ELSE COALESCE($error_message, error_message) END,
            submitted_at = CASE WHEN submitted_at IS NULL AND $remote_id IS NOT NULL THEN $time ELSE submitted_at END,
            started_at = CASE WHEN started_at IS NULL AND $state = 'running' THEN $time ELSE started_at END,
            completed_at = CASE WHEN completed_at IS NULL AND $state IN ('generated', 'succeeded') THEN $time ELSE completed_at END,
            video_width = COALESCE($video_width, video_width),
            video_height = COALESCE($video_height, video_height),
            video_seconds = COALESCE($video_seconds, video_seconds),
            video_codec = COALESCE($video_codec, video_codec),
            video_warning = CASE WHEN $video_width IS NULL THEN video_warning ELSE $video_warning END,
            updated_at = $time,
            spare = NULL
        WHERE id = $job_id
        RETURNING seq;
        """;

    private const string InsertSql = """
        INSERT INTO events (time, job_seq, state, attempt, remote_id, http_status, error_class, error_code, error_message,
            estimated_cost_usd, actual_cost_usd, result_url, file_path, bytes, sha256, note)
        VALUES ($time, $job_seq, $event_state, $attempt, $remote_id, $http_status, $error_class, $error_code, $error_message,
            $estimated_cost_usd, $actual_cost_usd, $result_url, $file_path, $bytes, $sha256, $note)
        RETURNING seq;
        """;

    /// <summary>
    /// Before output 1 changes: a job column holding the mark <c>''</c> ("the same as output 1") takes output 1's value
    /// back, so the job row keeps what it recorded whatever happens to the output record.
    /// </summary>
    private const string MaterializeSql = $"""
        UPDATE jobs SET
            result_url = CASE WHEN jobs.result_url = '' THEN o.result_url ELSE jobs.result_url END,
            file_path = CASE WHEN jobs.file_path = '' THEN o.file_path ELSE jobs.file_path END,
            sha256 = CASE WHEN jobs.sha256 = '' THEN o.sha256 ELSE jobs.sha256 END
        FROM ({FirstOutputSql}) AS o
        WHERE jobs.id = $job_id AND '' IN (jobs.result_url, jobs.file_path, jobs.sha256);
        """;

    /// <summary>After output 1 was written: a job column equal to output 1's value is stored as the mark <c>''</c> (read back from output 1).</summary>
    private const string LinkSql = $"""
        UPDATE jobs SET
            result_url = CASE WHEN jobs.result_url = o.result_url THEN '' ELSE jobs.result_url END,
            file_path = CASE WHEN jobs.file_path = o.file_path THEN '' ELSE jobs.file_path END,
            sha256 = CASE WHEN jobs.sha256 = o.sha256 THEN '' ELSE jobs.sha256 END
        FROM ({FirstOutputSql}) AS o
        WHERE jobs.id = $job_id AND (jobs.result_url = o.result_url OR jobs.file_path = o.file_path OR jobs.sha256 = o.sha256);
        """;

    /// <summary>Output 1's URL, path and SHA-256 of the job, its own or the event's it points at.</summary>
    private const string FirstOutputSql = """
        SELECT COALESCE(o.result_url, eu.result_url) AS result_url, COALESCE(o.file_path, ef.file_path) AS file_path,
            COALESCE(o.sha256, ef.sha256) AS sha256
        FROM outputs o LEFT JOIN events eu ON eu.seq = o.url_event LEFT JOIN events ef ON ef.seq = o.file_event
        WHERE o.job_seq = (SELECT seq FROM jobs WHERE id = $job_id) AND o.output_index = 1
        """;

    private const string DeleteOutputsSql = "DELETE FROM outputs WHERE job_seq = $job_seq;";

    /// <summary>
    /// Output 1's URL, or its path and SHA-256, equal to what the event written with it records are not repeated: the
    /// row points at that event (<c>url_event</c>, <c>file_event</c>: its <c>seq</c>) and leaves its own columns null.
    /// A value written directly wins over the event's (readers take <c>COALESCE(own, event's)</c>); one equal to the
    /// event's is not stored again.
    /// </summary>
    private const string UpsertOutputSql = """
        INSERT INTO outputs (job_seq, output_index, result_url, file_path, bytes, sha256, width, height, duration_seconds, updated_at, file_mtime_ns, file_inode, url_event, file_event)
        VALUES ($job_seq, $output_index, $result_url, $file_path, $bytes, $sha256, $width, $height, $duration_seconds, $time, $file_mtime_ns, $file_inode, $url_event, $file_event)
        ON CONFLICT (job_seq, output_index) DO UPDATE SET
            result_url = CASE WHEN excluded.url_event IS NOT NULL THEN NULL
                WHEN excluded.result_url IS (SELECT e.result_url FROM events e WHERE e.seq = outputs.url_event) THEN outputs.result_url
                ELSE COALESCE(excluded.result_url, outputs.result_url) END,
            url_event = COALESCE(excluded.url_event, outputs.url_event),
            file_path = CASE WHEN excluded.file_event IS NOT NULL THEN NULL
                WHEN excluded.file_path IS (SELECT e.file_path FROM events e WHERE e.seq = outputs.file_event) THEN outputs.file_path
                ELSE COALESCE(excluded.file_path, outputs.file_path) END,
            sha256 = CASE WHEN excluded.file_event IS NOT NULL THEN NULL
                WHEN excluded.sha256 IS (SELECT e.sha256 FROM events e WHERE e.seq = outputs.file_event) THEN outputs.sha256
                ELSE COALESCE(excluded.sha256, outputs.sha256) END,
            file_event = COALESCE(excluded.file_event, outputs.file_event),
            bytes = COALESCE(excluded.bytes, bytes),
            width = COALESCE(excluded.width, width),
            height = COALESCE(excluded.height, height),
            duration_seconds = COALESCE(excluded.duration_seconds, duration_seconds),
            -- The stamp belongs to one verification of one file: a new verification (a SHA-256 given) replaces it, even by null.
            file_mtime_ns = CASE WHEN excluded.sha256 IS NULL AND excluded.file_event IS NULL THEN file_mtime_ns ELSE excluded.file_mtime_ns END,
            file_inode = CASE WHEN excluded.sha256 IS NULL AND excluded.file_event IS NULL THEN file_inode ELSE excluded.file_inode END,
            updated_at = excluded.updated_at;
        """;

    private const string DeleteObjectsSql = "DELETE FROM stored_objects WHERE job_id = $job_id;";

    private const string UpsertObjectSql = """
        INSERT INTO stored_objects (job_id, output_index, object_key, object_url, bytes, sha256, etag, stored_at)
        VALUES ($job_id, $output_index, $object_key, $object_url, $bytes, $sha256, $etag, $time)
        ON CONFLICT (job_id, output_index) DO UPDATE SET
            object_key = excluded.object_key, object_url = excluded.object_url, bytes = excluded.bytes,
            sha256 = excluded.sha256, etag = excluded.etag, stored_at = excluded.stored_at;
        """;

    private static readonly string[] ObjectNames =
    [
        "$job_id", "$output_index", "$object_key", "$object_url", "$bytes", "$sha256", "$etag", "$time",
    ];

    private static readonly string[] OutputNames =
    [
        "$job_seq", "$output_index", "$result_url", "$file_path", "$bytes", "$sha256", "$width", "$height", "$duration_seconds", "$time",
        "$file_mtime_ns", "$file_inode", "$url_event", "$file_event",
    ];

    private static readonly string[] Names =
    [
        "$time", "$job_id", "$state", "$attempt", "$remote_id", "$http_status", "$error_class", "$error_code",
        "$error_message", "$estimated_cost_usd", "$actual_cost_usd", "$result_url", "$file_path", "$bytes", "$sha256",
        "$note", "$video_width", "$video_height", "$video_seconds", "$video_codec", "$video_warning", "$event_state", "$job_seq",
        "$job_result_url", "$job_file_path", "$job_sha256",
    ];

    private readonly LedgerStatement _update;
    private readonly LedgerStatement _materialize;
    private readonly LedgerStatement _link;
    private readonly LedgerStatement _insert;
    private readonly LedgerStatement _deleteOutputs;
    private readonly LedgerStatement _upsertOutput;
    private readonly LedgerStatement _deleteObjects;
    private readonly LedgerStatement _upsertObject;

    /// <summary>The event's values in the order of <see cref="Names"/> (reused: one writer, one event at a time).</summary>
    private readonly object?[] _values = new object?[Names.Length];

    /// <summary>Prepares every statement once, on the writer connection (which must be open and stay so).</summary>
    public LedgerAppendCommands(SqliteConnection connection)
    {
        _deleteObjects = new LedgerStatement(connection, DeleteObjectsSql, Names);
        _upsertObject = new LedgerStatement(connection, UpsertObjectSql, ObjectNames);
        _update = new LedgerStatement(connection, UpdateSql, Names);
        _materialize = new LedgerStatement(connection, MaterializeSql, Names);
        _link = new LedgerStatement(connection, LinkSql, Names);
        _insert = new LedgerStatement(connection, InsertSql, Names);
        _deleteOutputs = new LedgerStatement(connection, DeleteOutputsSql, ["$job_seq"]);
        _upsertOutput = new LedgerStatement(connection, UpsertOutputSql, OutputNames);
    }

    /// <summary>
    /// Writes one event at <paramref name="time"/> (the event's own time is not used) inside the writer's open
    /// transaction. Returns the event's sequence number, or null when the job is unknown (nothing written).
    /// </summary>
    public long? Execute(LedgerEvent e, DateTimeOffset time)
    {
        var values = _values;
        values[0] = LedgerValues.Ticks(time);
        values[1] = e.JobId;
        values[2] = LedgerValues.State(e.State);
        values[3] = e.Attempt;
        values[4] = LedgerBlobs.RemoteId(e.RemoteId);
        values[5] = e.HttpStatus;
        values[6] = e.ErrorClass is { } errorClass ? LedgerValues.ErrorClassName(errorClass) : null;
        values[7] = e.ErrorCode;
        values[8] = e.ErrorMessage;
        values[9] = e.EstimatedCostUsd is { } estimated ? LedgerValues.Money(estimated) : null;
        values[10] = e.ActualCostUsd is { } actual ? LedgerValues.Money(actual) : null;
        values[11] = e.ResultUrl;
        values[12] = e.FilePath;
        values[13] = e.Bytes;
        values[14] = LedgerBlobs.Sha256(e.Sha256);
        values[15] = e.Note;
        values[16] = e.Video?.Width;
        values[17] = e.Video?.Height;
        values[18] = e.Video?.Seconds;
        values[19] = e.Video?.Codec;
        values[20] = e.Video?.Warning;
        values[21] = LedgerValues.StateCode(e.State);
        values[22] = null;
        // The job row takes the event's URL, path and SHA-256, as the mark '' when output 1 is about to take them from
        // this event (what _link would store anyway): the row never holds them for a moment, which would grow it past
        // its page's free room (a split) only for _link to shrink it again in the same transaction.
        var (urlFromEvent, fileFromEvent) = FirstOutputFromEvent(e);
        values[23] = urlFromEvent ? string.Empty : e.ResultUrl;
        values[24] = fileFromEvent ? string.Empty : e.FilePath;
        values[25] = fileFromEvent ? string.Empty : values[14];
        var touchesOutputs = e.ReplaceOutputs || e.Outputs is { Count: > 0 };
        if (touchesOutputs)
        {
            _materialize.Execute(values);
        }

        if (_update.ExecuteInt64(values) is not { } jobSeq)
        {
            return null;
        }

        values[22] = jobSeq;
        var seq = _insert.ExecuteInt64(values)
            ?? throw new InvalidOperationException($"the event of job {e.JobId} was inserted without a sequence number");
        WriteOutputs(e, time, jobSeq, seq);
        if (touchesOutputs)
        {
            _link.Execute(values);
        }

        return seq;
    }

    public void Dispose()
    {
        _update.Dispose();
        _materialize.Dispose();
        _link.Dispose();
        _insert.Dispose();
        _deleteOutputs.Dispose();
        _upsertOutput.Dispose();
        _deleteObjects.Dispose();
        _upsertObject.Dispose();
    }

    /// <summary>Whether output 1 of the event takes its URL, or its path and SHA-256, from the event itself (see <see cref="UpsertOutputSql"/>).</summary>
    private static (bool Url, bool File) FirstOutputFromEvent(LedgerEvent e)
    {
        // The last record of output 1 is the one the upserts leave.
        var first = (Url: false, File: false);
        foreach (var output in e.Outputs ?? [])
        {
            if (output.Index == 1)
            {
                first = (UrlFromEvent(e, output), FileFromEvent(e, output));
            }
        }

        return first;
    }

    private static bool UrlFromEvent(LedgerEvent e, LedgerOutput output) =>
        output.Index == 1 && output.ResultUrl is not null && output.ResultUrl == e.ResultUrl;

    private static bool FileFromEvent(LedgerEvent e, LedgerOutput output) =>
        output.Index == 1 && output.FilePath is not null && output.FilePath == e.FilePath && output.Sha256 is not null && output.Sha256 == e.Sha256;

    private void WriteOutputs(LedgerEvent e, DateTimeOffset time, long jobSeq, long eventSeq)
    {
        if (e.ReplaceOutputs)
        {
            _deleteOutputs.Execute([jobSeq]);
            // A new result's files are other files: objects stored for the old ones no longer stand for this job.
            _deleteObjects.Execute([null, e.JobId]);
        }

        foreach (var output in e.Outputs ?? [])
        {
            // Output 1 points at this event for what the event itself records (see UpsertOutputSql).
            var urlFromEvent = UrlFromEvent(e, output);
            var fileFromEvent = FileFromEvent(e, output);
            _upsertOutput.Execute(
            [
                jobSeq, output.Index, urlFromEvent ? null : output.ResultUrl, fileFromEvent ? null : output.FilePath, output.Bytes,
                fileFromEvent ? null : LedgerBlobs.Sha256(output.Sha256), output.Width, output.Height, output.DurationSeconds, LedgerValues.Ticks(time),
                output.FileModifiedNs, output.FileInode, urlFromEvent ? eventSeq : null, fileFromEvent ? eventSeq : null,
            ]);
            if (output.ObjectKey is not null && output.ObjectUrl is not null && output.Bytes is not null && output.Sha256 is not null)
            {
                _upsertObject.Execute(
                [
                    e.JobId, output.Index, output.ObjectKey, output.ObjectUrl, output.Bytes, output.Sha256, null,
                    LedgerValues.Time(output.StoredAt ?? time),
                ]);
            }
        }
    }
}
