using BatchGen.Core.Ledger;
using Npgsql;

namespace BatchGen.Ledger.Postgres;

/// <summary>A PostgreSQL batch as the target of <c>batchgen ledger copy</c>: rows written as they were, one transaction per chunk.</summary>
public sealed partial class PostgresLedger
{
    private const string CountSql = """
        SELECT (SELECT COUNT(*) FROM jobs WHERE batch_id = @batch), (SELECT COUNT(*) FROM events WHERE batch_id = @batch),
               (SELECT COUNT(*) FROM outputs WHERE batch_id = @batch), (SELECT COUNT(*) FROM votes WHERE batch_id = @batch),
               (SELECT COUNT(*) FROM ratings WHERE batch_id = @batch), (SELECT COUNT(DISTINCT job_id) FROM video_checks WHERE batch_id = @batch),
               (SELECT COUNT(*) FROM uploads WHERE batch_id = @batch), (SELECT COUNT(*) FROM webhook_deliveries WHERE batch_id = @batch);
        """;

    public async Task<LedgerCounts> CountAsync(CancellationToken cancellationToken)
    {
        await foreach (var counts in StreamAsync(
            CountSql, null, r => new LedgerCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)), cancellationToken).ConfigureAwait(false))
        {
            return counts;
        }

        return new LedgerCounts(0, 0, 0, 0, 0, 0, 0, 0);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        EnsureWritable();
        await InTransactionAsync(
            async (connection, transaction) =>
            {
                // The append-only trigger lets this transaction delete this batch's rows, and nothing else.
                await using var command = new NpgsqlCommand(
                    "SELECT set_config('batchgen.purge_batch', @batch::text, true); "
                    + "DELETE FROM events WHERE batch_id = @batch; DELETE FROM stored_objects WHERE batch_id = @batch; DELETE FROM outputs WHERE batch_id = @batch; DELETE FROM jobs WHERE batch_id = @batch; "
                    + "DELETE FROM votes WHERE batch_id = @batch; DELETE FROM ratings WHERE batch_id = @batch; DELETE FROM video_checks WHERE batch_id = @batch; "
                    + "DELETE FROM uploads WHERE batch_id = @batch; DELETE FROM webhook_deliveries WHERE batch_id = @batch; DELETE FROM meta WHERE batch_id = @batch;",
                    connection,
                    transaction);
                command.Parameters.AddWithValue("batch", BatchId);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ImportAsync(LedgerImportChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        EnsureWritable();
        await InTransactionAsync(
            async (connection, transaction) =>
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    long seq = 0;
                    await using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(seq), 0) FROM jobs WHERE batch_id = @batch;", connection, transaction))
                    {
                        max.Parameters.AddWithValue("batch", BatchId);
                        seq = (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    }

                    foreach (var job in chunk.Jobs)
                    {
                        batch.BatchCommands.Add(Insert("jobs", LedgerImportRows.JobColumns, LedgerImportRows.Job(job, ++seq)));
                        foreach (var output in job.Outputs)
                        {
                            batch.BatchCommands.Add(Insert("outputs", LedgerImportRows.OutputColumns, LedgerImportRows.Output(job, output)));
                            if (LedgerImportRows.StoredObject(job, output) is { } stored)
                            {
                                batch.BatchCommands.Add(Insert("stored_objects", LedgerImportRows.ObjectColumns, stored));
                            }
                        }
                    }

                    foreach (var e in chunk.Events)
                    {
                        batch.BatchCommands.Add(Insert("events", LedgerImportRows.EventColumns, LedgerImportRows.Event(e)));
                    }

                    // Uploads in source order: their new sequence numbers keep which one is the latest.
                    foreach (var upload in chunk.Uploads)
                    {
                        batch.BatchCommands.Add(Insert("uploads", LedgerImportRows.UploadColumns, LedgerImportRows.Upload(upload)));
                    }

                    foreach (var delivery in chunk.Webhooks)
                    {
                        batch.BatchCommands.Add(Insert("webhook_deliveries", LedgerImportRows.WebhookColumns, LedgerImportRows.Webhook(delivery)));
                    }

                    foreach (var (key, value) in chunk.Meta.Where(kv => !LedgerImportRows.IsOwnMeta(kv.Key)))
                    {
                        batch.BatchCommands.Add(Insert("meta", ["key", "value"], [key, value], "ON CONFLICT (batch_id, key) DO UPDATE SET value = excluded.value"));
                    }

                    foreach (var v in chunk.Reviews.Votes)
                    {
                        batch.BatchCommands.Add(Insert(
                            "votes",
                            ["time", "rater", "axis", "left_job_id", "right_job_id", "winner", "source"],
                            [LedgerValues.Time(v.Time), v.Rater, v.Axis, v.LeftJobId, v.RightJobId, BatchGen.Core.Reviews.VoteWinners.Name(v.Winner), v.Source]));
                    }

                    foreach (var r in chunk.Reviews.Ratings)
                    {
                        batch.BatchCommands.Add(Insert(
                            "ratings",
                            ["time", "rater", "job_id", "stars", "rejected", "tags", "note"],
                            [LedgerValues.Time(r.Time), r.Rater, r.JobId, r.Stars, r.Rejected ? 1 : 0, r.Tags.Count == 0 ? null : string.Join(',', r.Tags), r.Note]));
                    }

                    foreach (var c in chunk.Reviews.Checks.Values)
                    {
                        batch.BatchCommands.Add(Insert(
                            "video_checks",
                            ["time", "job_id", "sha256", "duration_s", "black_fraction", "frozen_fraction", "scene_cuts", "motion", "error"],
                            [LedgerValues.Time(DateTimeOffset.UnixEpoch), c.JobId, c.Sha256, c.Check?.DurationSeconds, c.Check?.BlackFraction, c.Check?.FrozenFraction, c.Check?.SceneCuts, c.Check?.Motion, c.Error]));
                    }

                    if (batch.BatchCommands.Count > 0)
                    {
                        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An INSERT with positional parameters ($1 is the batch id); null values are typed by the column.</summary>
    private NpgsqlBatchCommand Insert(string table, string[] columns, object?[] values, string? conflict = null)
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO {table} (batch_id, {string.Join(", ", columns)}) VALUES ($1, {string.Join(", ", columns.Select((_, i) => $"${i + 2}"))}) {conflict};");
        command.Parameters.Add(new NpgsqlParameter { Value = BatchId });
        foreach (var value in values)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown } : new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private async Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }
    }
}
