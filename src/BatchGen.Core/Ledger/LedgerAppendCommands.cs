using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The prepared statements of an append: update the job's current row, then (only if the job exists) insert the
/// event and write its output records. Null event fields leave the row's value; error fields are cleared on success;
/// the row keeps the first submit, start and completion times.
/// </summary>
internal sealed class LedgerAppendCommands : IDisposable
{
    private const string UpdateSql = """
        UPDATE jobs SET
            state = $state,
            attempts = MAX(attempts, $attempt),
            remote_id = COALESCE($remote_id, remote_id),
            result_url = COALESCE($result_url, result_url),
            file_path = COALESCE($file_path, file_path),
            bytes = COALESCE($bytes, bytes),
            sha256 = COALESCE($sha256, sha256),
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
            updated_at = $time
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
    ];

    private readonly SqliteCommand _update;
    private readonly SqliteCommand _materialize;
    private readonly SqliteCommand _link;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _deleteOutputs;
    private readonly SqliteCommand _upsertOutput;
    private readonly SqliteCommand _deleteObjects;
    private readonly SqliteCommand _upsertObject;

    public LedgerAppendCommands(SqliteConnection connection)
    {
        _deleteObjects = Create(connection, DeleteObjectsSql, Names);
        _upsertObject = Create(connection, UpsertObjectSql, ObjectNames);
        _update = Create(connection, UpdateSql, Names);
        _materialize = Create(connection, MaterializeSql, Names);
        _link = Create(connection, LinkSql, Names);
        _insert = Create(connection, InsertSql, Names);
        _deleteOutputs = Create(connection, DeleteOutputsSql, ["$job_seq"]);
        _upsertOutput = Create(connection, UpsertOutputSql, OutputNames);
    }

    /// <summary>Writes one event inside <paramref name="transaction"/>. Returns false when the job is unknown.</summary>
    public bool Execute(SqliteTransaction transaction, LedgerEvent e)
    {
        object?[] values =
        [
            LedgerValues.Ticks(e.Time), e.JobId, LedgerValues.State(e.State), e.Attempt, e.RemoteId, e.HttpStatus,
            e.ErrorClass is { } errorClass ? LedgerValues.ErrorClassName(errorClass) : null, e.ErrorCode, e.ErrorMessage,
            e.EstimatedCostUsd is { } estimated ? LedgerValues.Money(estimated) : null,
            e.ActualCostUsd is { } actual ? LedgerValues.Money(actual) : null,
            e.ResultUrl, e.FilePath, e.Bytes, e.Sha256, e.Note,
            e.Video?.Width, e.Video?.Height, e.Video?.Seconds, e.Video?.Codec, e.Video?.Warning, LedgerValues.StateCode(e.State), null,
        ];
        var touchesOutputs = e.ReplaceOutputs || e.Outputs is { Count: > 0 };
        if (touchesOutputs)
        {
            Bind(_materialize, transaction, values);
            _materialize.ExecuteNonQuery();
        }

        Bind(_update, transaction, values);
        if (_update.ExecuteScalar() is not long jobSeq)
        {
            return false;
        }

        values[^1] = jobSeq;
        Bind(_insert, transaction, values);
        var seq = Convert.ToInt64(_insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        WriteOutputs(transaction, e, jobSeq, seq);
        if (touchesOutputs)
        {
            Bind(_link, transaction, values);
            _link.ExecuteNonQuery();
        }

        return true;
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

    private void WriteOutputs(SqliteTransaction transaction, LedgerEvent e, long jobSeq, long eventSeq)
    {
        if (e.ReplaceOutputs)
        {
            Bind(_deleteOutputs, transaction, ["$job_seq"], [jobSeq]);
            _deleteOutputs.ExecuteNonQuery();
            // A new result's files are other files: objects stored for the old ones no longer stand for this job.
            Bind(_deleteObjects, transaction, Names, [null, e.JobId]);
            _deleteObjects.ExecuteNonQuery();
        }

        foreach (var output in e.Outputs ?? [])
        {
            // Output 1 points at this event for what the event itself records (see UpsertOutputSql).
            var urlFromEvent = output.Index == 1 && output.ResultUrl is not null && output.ResultUrl == e.ResultUrl;
            var fileFromEvent = output.Index == 1 && output.FilePath is not null && output.FilePath == e.FilePath
                && output.Sha256 is not null && output.Sha256 == e.Sha256;
            Bind(_upsertOutput, transaction, OutputNames,
            [
                jobSeq, output.Index, urlFromEvent ? null : output.ResultUrl, fileFromEvent ? null : output.FilePath, output.Bytes,
                fileFromEvent ? null : output.Sha256, output.Width, output.Height, output.DurationSeconds, LedgerValues.Ticks(e.Time),
                output.FileModifiedNs, output.FileInode, urlFromEvent ? eventSeq : null, fileFromEvent ? eventSeq : null,
            ]);
            _upsertOutput.ExecuteNonQuery();
            if (output.ObjectKey is not null && output.ObjectUrl is not null && output.Bytes is not null && output.Sha256 is not null)
            {
                Bind(_upsertObject, transaction, ObjectNames,
                [
                    e.JobId, output.Index, output.ObjectKey, output.ObjectUrl, output.Bytes, output.Sha256, null,
                    LedgerValues.Time(output.StoredAt ?? e.Time),
                ]);
                _upsertObject.ExecuteNonQuery();
            }
        }
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        return command;
    }

    private static void Bind(SqliteCommand command, SqliteTransaction transaction, object?[] values) =>
        Bind(command, transaction, Names, values);

    private static void Bind(SqliteCommand command, SqliteTransaction transaction, string[] names, object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < names.Length && i < values.Length; i++)
        {
            if (command.Parameters.Contains(names[i]))
            {
                command.Parameters[names[i]].Value = values[i] ?? DBNull.Value;
            }
        }
    }
}
