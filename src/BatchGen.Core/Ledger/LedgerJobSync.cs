using BatchGen.Core.Jobs;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Brings the ledger's job list in line with a manifest without holding the manifest in memory: ids go to a temp
/// table chunk by chunk (one transaction per chunk), new jobs are inserted as pending with one event each, and a
/// final transaction sets <c>in_manifest</c> for every ledger job from the temp table.
/// </summary>
internal sealed class LedgerJobSync(SqliteConnection connection, DateTimeOffset now)
{
    public const int ChunkSize = 10_000;

    private long _nextSeq;

    public int Added { get; private set; }

    public int Existing { get; private set; }

    public void Begin()
    {
        Execute("DROP TABLE IF EXISTS temp.sync_ids; CREATE TEMP TABLE sync_ids (id TEXT PRIMARY KEY NOT NULL);");
        _nextSeq = Convert.ToInt64(LedgerSchema.Scalar(connection, "SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs;"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes one chunk in one transaction. A job id repeated in the input counts once.</summary>
    public void WriteChunk(IReadOnlyList<JobSpec> chunk)
    {
        var time = LedgerValues.Ticks(now);
        using var transaction = connection.BeginTransaction();
        using var remember = Command(transaction, "INSERT OR IGNORE INTO temp.sync_ids (id) VALUES ($id);", "$id");
        using var insert = Command(
            transaction,
            "INSERT OR IGNORE INTO jobs (id, seq, provider, state, spec_json, updated_at, in_manifest) VALUES ($id, $seq, $provider, 'pending', $spec, $time, 1);",
            "$id", "$seq", "$provider", "$spec", "$time");
        using var refresh = Command(transaction, "UPDATE jobs SET spec_json = $spec WHERE id = $id AND spec_json <> $spec;", "$id", "$spec");
        using var pending = Command(
            transaction,
            $"INSERT INTO events (time, job_seq, state, attempt) VALUES ($time, $seq, {LedgerValues.StateCode(JobState.Pending)}, 0);",
            "$seq", "$time");

        foreach (var job in chunk)
        {
            remember.Parameters["$id"].Value = job.Id;
            if (remember.ExecuteNonQuery() == 0)
            {
                continue;
            }

            var spec = LedgerValues.Spec(job);
            insert.Parameters["$id"].Value = job.Id;
            insert.Parameters["$seq"].Value = _nextSeq;
            insert.Parameters["$provider"].Value = job.Provider;
            insert.Parameters["$spec"].Value = spec;
            insert.Parameters["$time"].Value = time;
            if (insert.ExecuteNonQuery() == 1)
            {
                _nextSeq++;
                Added++;
                pending.Parameters["$seq"].Value = _nextSeq - 1;
                pending.Parameters["$time"].Value = time;
                pending.ExecuteNonQuery();
            }
            else
            {
                Existing++;
                refresh.Parameters["$id"].Value = job.Id;
                refresh.Parameters["$spec"].Value = spec;
                refresh.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Marks every ledger job in or out of the manifest and returns how many are out (lost).</summary>
    public int Finish()
    {
        using (var transaction = connection.BeginTransaction())
        {
            using var mark = Command(
                transaction,
                "UPDATE jobs SET in_manifest = (id IN (SELECT id FROM temp.sync_ids)) WHERE in_manifest <> (id IN (SELECT id FROM temp.sync_ids));");
            mark.ExecuteNonQuery();
            transaction.Commit();
        }

        var lost = Convert.ToInt32(LedgerSchema.Scalar(connection, "SELECT COUNT(*) FROM jobs WHERE in_manifest = 0;"), System.Globalization.CultureInfo.InvariantCulture);
        Execute("DROP TABLE IF EXISTS temp.sync_ids;");
        return lost;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
