using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Ledger.Postgres;

/// <summary>The PostgreSQL ledger's writes: an event with the job's row (one statement), its outputs, and the job sync.</summary>
public sealed partial class PostgresLedger
{
    /// <summary>Update the job's row and, only when it exists, insert the event: one statement, one commit.</summary>
    private const string AppendSql = """
        WITH updated AS (
            UPDATE jobs SET
                state = @state,
                attempts = GREATEST(attempts, @attempt),
                remote_id = COALESCE(@remote_id, remote_id),
                result_url = COALESCE(@result_url, result_url),
                file_path = COALESCE(@file_path, file_path),
                bytes = COALESCE(@bytes, bytes),
                sha256 = COALESCE(@sha256, sha256),
                estimated_cost_usd = COALESCE(@estimated_cost_usd, estimated_cost_usd),
                actual_cost_usd = COALESCE(@actual_cost_usd, actual_cost_usd),
                error_class = CASE WHEN @state = 'succeeded' THEN NULL ELSE COALESCE(@error_class, error_class) END,
                error_code = CASE WHEN @state = 'succeeded' THEN NULL ELSE COALESCE(@error_code, error_code) END,
                error_message = CASE WHEN @state = 'succeeded' THEN NULL ELSE COALESCE(@error_message, error_message) END,
                submitted_at = CASE WHEN submitted_at IS NULL AND @remote_id IS NOT NULL THEN @time ELSE submitted_at END,
                started_at = CASE WHEN started_at IS NULL AND @state = 'running' THEN @time ELSE started_at END,
                completed_at = CASE WHEN completed_at IS NULL AND @state IN ('generated', 'succeeded') THEN @time ELSE completed_at END,
                video_width = COALESCE(@video_width, video_width),
                video_height = COALESCE(@video_height, video_height),
                video_seconds = COALESCE(@video_seconds, video_seconds),
                video_codec = COALESCE(@video_codec, video_codec),
                video_warning = CASE WHEN @video_width IS NULL THEN video_warning ELSE @video_warning END,
                updated_at = @time
            WHERE batch_id = @batch AND id = @job_id
            RETURNING id
        )
        INSERT INTO events (batch_id, time, job_id, state, attempt, remote_id, http_status, error_class, error_code, error_message,
            estimated_cost_usd, actual_cost_usd, result_url, file_path, bytes, sha256, note)
        SELECT @batch, @time, id, @state, @attempt, @remote_id, @http_status, @error_class, @error_code, @error_message,
            @estimated_cost_usd, @actual_cost_usd, @result_url, @file_path, @bytes, @sha256, @note
        FROM updated
        RETURNING seq;
        """;

    private const string UpsertOutputSql = """
        INSERT INTO outputs (batch_id, job_id, output_index, result_url, file_path, bytes, sha256, width, height, duration_seconds, updated_at, file_mtime_ns, file_inode)
        VALUES (@batch, @job_id, @output_index, @result_url, @file_path, @bytes, @sha256, @width, @height, @duration_seconds, @time, @file_mtime_ns, @file_inode)
        ON CONFLICT (batch_id, job_id, output_index) DO UPDATE SET
            result_url = COALESCE(excluded.result_url, outputs.result_url),
            file_path = COALESCE(excluded.file_path, outputs.file_path),
            bytes = COALESCE(excluded.bytes, outputs.bytes),
            sha256 = COALESCE(excluded.sha256, outputs.sha256),
            width = COALESCE(excluded.width, outputs.width),
            height = COALESCE(excluded.height, outputs.height),
            duration_seconds = COALESCE(excluded.duration_seconds, outputs.duration_seconds),
            -- The stamp belongs to one verification of one file: a new verification (a SHA-256 given) replaces it, even by null.
            file_mtime_ns = CASE WHEN excluded.sha256 IS NULL THEN outputs.file_mtime_ns ELSE excluded.file_mtime_ns END,
            file_inode = CASE WHEN excluded.sha256 IS NULL THEN outputs.file_inode ELSE excluded.file_inode END,
            updated_at = excluded.updated_at;
        """;

    private const string UpsertObjectSql = """
        INSERT INTO stored_objects (batch_id, job_id, output_index, object_key, object_url, bytes, sha256, etag, stored_at)
        VALUES (@batch, @job_id, @output_index, @object_key, @object_url, @bytes, @sha256, NULL, @stored_at)
        ON CONFLICT (batch_id, job_id, output_index) DO UPDATE SET
            object_key = excluded.object_key, object_url = excluded.object_url, bytes = excluded.bytes,
            sha256 = excluded.sha256, etag = excluded.etag, stored_at = excluded.stored_at;
        """;

    public async Task AppendAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        ArgumentException.ThrowIfNullOrEmpty(ledgerEvent.JobId);
        EnsureWritable();
        var e = ledgerEvent with { Time = _time.GetUtcNow() };
        object? seq;
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var hasOutputs = e.ReplaceOutputs || e.Outputs is { Count: > 0 };
            await using var transaction = hasOutputs ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            await using (var command = new NpgsqlCommand(AppendSql, connection, transaction))
            {
                BindEvent(command, e);
                seq = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            if (seq is not null && transaction is not null)
            {
                await WriteOutputsAsync(connection, transaction, e, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }

        if (seq is null)
        {
            throw PostgresErrors.Create(Location, $"job {e.JobId} is not in the ledger", "sync the manifest's jobs before recording events for them");
        }
    }

    public async Task<bool> RecordWebhookAsync(string provider, string remoteId, string status, string? jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(remoteId);
        ArgumentNullException.ThrowIfNull(status);
        EnsureWritable();
        return await ExecuteAsync(
            "INSERT INTO webhook_deliveries (batch_id, provider, remote_id, status, time, job_id) VALUES (@batch, @provider, @remote, @status, @time, @job) "
            + "ON CONFLICT (batch_id, provider, remote_id, status) DO NOTHING;",
            command =>
            {
                command.Parameters.AddWithValue("provider", provider);
                command.Parameters.AddWithValue("remote", remoteId);
                command.Parameters.AddWithValue("status", status);
                command.Parameters.AddWithValue("time", LedgerValues.Time(_time.GetUtcNow()));
                Add(command.Parameters, "job", NpgsqlDbType.Text, jobId);
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<LedgerSyncResult> SyncJobsAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        EnsureWritable();
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var sync = new PostgresJobSync(connection, BatchId, LedgerValues.Time(_time.GetUtcNow()));
            return await sync.RunAsync(jobs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }
    }

    private async Task WriteOutputsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LedgerEvent e, CancellationToken cancellationToken)
    {
        if (e.ReplaceOutputs)
        {
            // A new result's files are other files: objects stored for the old ones no longer stand for this job.
            await using var delete = new NpgsqlCommand(
                "DELETE FROM stored_objects WHERE batch_id = @batch AND job_id = @job_id; DELETE FROM outputs WHERE batch_id = @batch AND job_id = @job_id;",
                connection,
                transaction);
            delete.Parameters.AddWithValue("batch", BatchId);
            delete.Parameters.AddWithValue("job_id", e.JobId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var output in e.Outputs ?? [])
        {
            await using var upsert = new NpgsqlCommand(UpsertOutputSql, connection, transaction);
            var p = upsert.Parameters;
            p.AddWithValue("batch", BatchId);
            p.AddWithValue("job_id", e.JobId);
            p.AddWithValue("output_index", output.Index);
            Add(p, "result_url", NpgsqlDbType.Text, output.ResultUrl);
            Add(p, "file_path", NpgsqlDbType.Text, output.FilePath);
            Add(p, "bytes", NpgsqlDbType.Bigint, output.Bytes);
            Add(p, "sha256", NpgsqlDbType.Text, output.Sha256);
            Add(p, "width", NpgsqlDbType.Integer, output.Width);
            Add(p, "height", NpgsqlDbType.Integer, output.Height);
            Add(p, "duration_seconds", NpgsqlDbType.Double, output.DurationSeconds);
            Add(p, "time", NpgsqlDbType.Text, LedgerValues.Time(e.Time));
            Add(p, "file_mtime_ns", NpgsqlDbType.Bigint, output.FileModifiedNs);
            Add(p, "file_inode", NpgsqlDbType.Bigint, output.FileInode);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (output is { ObjectKey: { } key, ObjectUrl: { } url, Bytes: { } bytes, Sha256: { } sha256 })
            {
                await using var stored = new NpgsqlCommand(UpsertObjectSql, connection, transaction);
                var o = stored.Parameters;
                o.AddWithValue("batch", BatchId);
                o.AddWithValue("job_id", e.JobId);
                o.AddWithValue("output_index", output.Index);
                o.AddWithValue("object_key", key);
                o.AddWithValue("object_url", url);
                o.AddWithValue("bytes", bytes);
                o.AddWithValue("sha256", sha256);
                o.AddWithValue("stored_at", LedgerValues.Time(output.StoredAt ?? e.Time));
                await stored.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void BindEvent(NpgsqlCommand command, LedgerEvent e)
    {
        var p = command.Parameters;
        p.AddWithValue("batch", BatchId);
        Add(p, "time", NpgsqlDbType.Text, LedgerValues.Time(e.Time));
        Add(p, "job_id", NpgsqlDbType.Text, e.JobId);
        Add(p, "state", NpgsqlDbType.Text, LedgerValues.State(e.State));
        Add(p, "attempt", NpgsqlDbType.Integer, e.Attempt);
        Add(p, "remote_id", NpgsqlDbType.Text, e.RemoteId);
        Add(p, "http_status", NpgsqlDbType.Integer, e.HttpStatus);
        Add(p, "error_class", NpgsqlDbType.Text, e.ErrorClass is { } errorClass ? LedgerValues.ErrorClassName(errorClass) : null);
        Add(p, "error_code", NpgsqlDbType.Text, e.ErrorCode);
        Add(p, "error_message", NpgsqlDbType.Text, e.ErrorMessage);
        Add(p, "estimated_cost_usd", NpgsqlDbType.Text, e.EstimatedCostUsd is { } estimated ? LedgerValues.Money(estimated) : null);
        Add(p, "actual_cost_usd", NpgsqlDbType.Text, e.ActualCostUsd is { } actual ? LedgerValues.Money(actual) : null);
        Add(p, "result_url", NpgsqlDbType.Text, e.ResultUrl);
        Add(p, "file_path", NpgsqlDbType.Text, e.FilePath);
        Add(p, "bytes", NpgsqlDbType.Bigint, e.Bytes);
        Add(p, "sha256", NpgsqlDbType.Text, e.Sha256);
        Add(p, "note", NpgsqlDbType.Text, e.Note);
        Add(p, "video_width", NpgsqlDbType.Integer, e.Video?.Width);
        Add(p, "video_height", NpgsqlDbType.Integer, e.Video?.Height);
        Add(p, "video_seconds", NpgsqlDbType.Double, e.Video?.Seconds);
        Add(p, "video_codec", NpgsqlDbType.Text, e.Video?.Codec);
        Add(p, "video_warning", NpgsqlDbType.Text, e.Video?.Warning);
    }

    internal static void Add(NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value) =>
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
}
