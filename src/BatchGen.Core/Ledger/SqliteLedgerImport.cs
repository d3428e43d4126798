using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>A SQLite ledger as the target of <c>batchgen ledger copy</c> (rows written as they were, one transaction per chunk).</summary>
public sealed partial class SqliteLedger : ILedgerImport
{
    private const string CountSql = """
        SELECT (SELECT COUNT(*) FROM jobs), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM outputs),
               (SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM ratings), (SELECT COUNT(DISTINCT job_id) FROM video_checks),
               (SELECT COUNT(*) FROM uploads), (SELECT COUNT(*) FROM webhook_deliveries);
        """;

    /// <inheritdoc/>
    public Task<LedgerCounts> CountAsync(CancellationToken cancellationToken) =>
        Writable().ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = CountSql;
                using var reader = command.ExecuteReader();
                reader.Read();
                return new LedgerCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task ClearAsync(CancellationToken cancellationToken) =>
        Writable().ExclusiveAsync(
            connection =>
            {
                // The append-only triggers are dropped and made again inside the same transaction: nobody else sees a gap.
                using var transaction = connection.BeginTransaction();
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    DROP TRIGGER events_no_delete; DROP TRIGGER votes_no_delete; DROP TRIGGER ratings_no_delete;
                    DELETE FROM events; DELETE FROM stored_objects; DELETE FROM outputs; DELETE FROM jobs; DELETE FROM votes; DELETE FROM ratings; DELETE FROM video_checks;
                    DELETE FROM uploads; DELETE FROM webhook_deliveries;
                    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
                    CREATE TRIGGER votes_no_delete BEFORE DELETE ON votes BEGIN SELECT RAISE(ABORT, 'ledger votes are append-only'); END;
                    CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings BEGIN SELECT RAISE(ABORT, 'ledger ratings are append-only'); END;
                    """;
                command.ExecuteNonQuery();
                transaction.Commit();
                return 0;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task ImportAsync(LedgerImportChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return Writable().ExclusiveAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction();
                var seq = Convert.ToInt64(LedgerSchema.Scalar(connection, "SELECT COALESCE(MAX(seq), 0) FROM jobs;"), System.Globalization.CultureInfo.InvariantCulture);
                using (var jobs = Insert(connection, transaction, "jobs", LedgerImportRows.JobColumns))
                using (var outputs = Insert(connection, transaction, "outputs", LedgerImportRows.KeyedOutputColumns))
                using (var objects = Insert(connection, transaction, "stored_objects", LedgerImportRows.ObjectColumns))
                {
                    foreach (var job in chunk.Jobs)
                    {
                        Run(jobs, LedgerImportRows.KeyedJob(job, ++seq));
                        foreach (var output in job.Outputs)
                        {
                            Run(outputs, LedgerImportRows.KeyedOutput(job, seq, output));
                            if (LedgerImportRows.StoredObject(job, output) is { } stored)
                            {
                                Run(objects, stored);
                            }
                        }
                    }
                }

                using (var events = Insert(connection, transaction, "events", LedgerImportRows.KeyedEventColumns))
                using (var jobSeq = connection.CreateCommand())
                {
                    jobSeq.Transaction = transaction;
                    jobSeq.CommandText = "SELECT seq FROM jobs WHERE id = $p0;";
                    AddParameters(jobSeq, 1);
                    foreach (var e in chunk.Events)
                    {
                        jobSeq.Parameters[0].Value = e.JobId;
                        var of = jobSeq.ExecuteScalar() as long?
                            ?? throw LedgerException.Create(Path, $"event {e.State} of job {e.JobId} names a job the copy does not hold", "copy the whole batch (its jobs and events)");
                        Run(events, LedgerImportRows.KeyedEvent(e, of));
                    }
                }

                ImportUploads(connection, transaction, chunk.Uploads);
                ImportWebhooks(connection, transaction, chunk.Webhooks);
                ImportMeta(connection, transaction, chunk.Meta);
                ImportReviews(connection, transaction, chunk.Reviews);
                transaction.Commit();
                return 0;
            },
            cancellationToken);
    }

    /// <summary>Uploads in their source order (a later one for the same content and provider is the one that counts).</summary>
    private static void ImportUploads(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<UploadRecord> uploads)
    {
        using var command = Insert(connection, transaction, "uploads", LedgerImportRows.UploadColumns);
        foreach (var upload in uploads)
        {
            Run(command, LedgerImportRows.Upload(upload));
        }
    }

    private static void ImportWebhooks(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<RecordedWebhook> deliveries)
    {
        using var command = Insert(connection, transaction, "webhook_deliveries", LedgerImportRows.WebhookColumns);
        foreach (var delivery in deliveries)
        {
            Run(command, LedgerImportRows.Webhook(delivery));
        }
    }

    private static void ImportMeta(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyDictionary<string, string> meta)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($p0, $p1) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
        AddParameters(command, 2);
        foreach (var (key, value) in meta.Where(kv => !LedgerImportRows.IsOwnMeta(kv.Key)))
        {
            Run(command, [key, value]);
        }
    }

    private static void ImportReviews(SqliteConnection connection, SqliteTransaction transaction, Reviews.ReviewData reviews)
    {
        using (var votes = Insert(connection, transaction, "votes", ["time", "rater", "axis", "left_job_id", "right_job_id", "winner", "source"]))
        {
            foreach (var v in reviews.Votes)
            {
                Run(votes, [LedgerValues.Time(v.Time), v.Rater, v.Axis, v.LeftJobId, v.RightJobId, Reviews.VoteWinners.Name(v.Winner), v.Source]);
            }
        }

        using (var ratings = Insert(connection, transaction, "ratings", ["time", "rater", "job_id", "stars", "rejected", "tags", "note"]))
        {
            foreach (var r in reviews.Ratings)
            {
                Run(ratings, [LedgerValues.Time(r.Time), r.Rater, r.JobId, r.Stars, r.Rejected ? 1 : 0, r.Tags.Count == 0 ? null : string.Join(',', r.Tags), r.Note]);
            }
        }

        using var checks = Insert(connection, transaction, "video_checks", ["time", "job_id", "sha256", "duration_s", "black_fraction", "frozen_fraction", "scene_cuts", "motion", "error"]);
        var now = LedgerValues.Time(DateTimeOffset.UnixEpoch);
        foreach (var c in reviews.Checks.Values)
        {
            Run(checks, [now, c.JobId, c.Sha256, c.Check?.DurationSeconds, c.Check?.BlackFraction, c.Check?.FrozenFraction, c.Check?.SceneCuts, c.Check?.Motion, c.Error]);
        }
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))});";
        AddParameters(command, columns.Length);
        return command;
    }

    private static void AddParameters(SqliteCommand command, int count)
    {
        for (var i = 0; i < count; i++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = "$p" + i });
        }
    }

    private static void Run(SqliteCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }
}
