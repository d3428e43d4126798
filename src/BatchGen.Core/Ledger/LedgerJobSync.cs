using BatchGen.Core.Jobs;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Brings the ledger's job list in line with a manifest without holding the manifest in memory: ids go to a temp
/// table chunk by chunk (one transaction per chunk), new jobs are inserted as pending with one event each (each row
/// with room for what its later states add, <see cref="LedgerMigrations.JobRowSpare"/>), and a
/// final transaction sets <c>in_manifest</c> for every ledger job from the temp table. That transaction also records the
/// manifest's key (<see cref="MetaKey"/>: a hash of every job's id, provider and spec, in order, and how many distinct
/// jobs): the same manifest again finds its key and leaves the ledger as it is (<see cref="IsCurrent"/>).
/// </summary>
internal sealed class LedgerJobSync(SqliteConnection connection, DateTimeOffset now) : IDisposable
{
    public const int ChunkSize = 10_000;

    /// <summary>Ledger meta key of the manifest the jobs were last synced with.</summary>
    public const string MetaKey = "manifest_synced";

    private readonly System.Security.Cryptography.IncrementalHash _hash = NewHash();
    private readonly LedgerAxisLists _axisLists = new();
    private long _nextSeq;

    public int Added { get; private set; }

    public int Existing { get; private set; }

    /// <summary>The key of a manifest's jobs: the hash of each one's id, provider and stored spec, in order (one pass over them).</summary>
    public static string Key(IEnumerable<JobSpec> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        using var hash = NewHash();
        foreach (var job in jobs)
        {
            Append(hash, job, LedgerValues.Spec(job));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// True when the ledger was last synced with jobs of this <paramref name="key"/> and still marks as many distinct jobs
    /// in the manifest as that sync did: syncing again would change nothing. Gives the number of jobs out of it.
    /// </summary>
    public static bool IsCurrent(SqliteConnection connection, string key, out int existing, out int lost)
    {
        ArgumentNullException.ThrowIfNull(connection);
        existing = 0;
        lost = 0;
        var recorded = Convert.ToString(LedgerSchema.Scalar(connection, $"SELECT value FROM meta WHERE key = '{MetaKey}';"), System.Globalization.CultureInfo.InvariantCulture);
        var colon = recorded?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon < 0 || !string.Equals(recorded![..colon], key, StringComparison.Ordinal)
            || !int.TryParse(recorded[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(in_manifest <> 0), 0), COALESCE(SUM(in_manifest = 0), 0) FROM jobs;";
        using var reader = command.ExecuteReader();
        reader.Read();
        existing = reader.GetInt32(0);
        lost = reader.GetInt32(1);
        return existing == count;
    }

    public void Begin()
    {
        // Forgotten first: a sync cut short must not pass for done on the next run.
        Execute($"DELETE FROM meta WHERE key = '{MetaKey}';");
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
            $"INSERT OR IGNORE INTO jobs (id, seq, provider, state, spec_json, updated_at, in_manifest, spare) VALUES ($id, $seq, $provider, 'pending', $spec, $time, 1, zeroblob({LedgerMigrations.JobRowSpare}));",
            "$id", "$seq", "$provider", "$spec", "$time");
        using var refresh = Command(transaction, "UPDATE jobs SET spec_json = $spec WHERE id = $id AND spec_json <> $spec;", "$id", "$spec");
        using var pending = Command(
            transaction,
            $"INSERT INTO events (time, job_seq, state, attempt) VALUES ($time, $seq, {LedgerValues.StateCode(JobState.Pending)}, 0);",
            "$seq", "$time");

        try
        {
            WriteChunk(chunk, transaction, time, remember, insert, refresh, pending);
        }
        catch
        {
            // A list of axes added in this transaction is gone with it: read them again from the file when next needed.
            _axisLists.Forget();
            throw;
        }

        transaction.Commit();
    }

    private void WriteChunk(IReadOnlyList<JobSpec> chunk, SqliteTransaction transaction, long time, SqliteCommand remember, SqliteCommand insert, SqliteCommand refresh, SqliteCommand pending)
    {
        foreach (var job in chunk)
        {
            // The key hashes the spec as every backend writes it; the row holds the compact form (shared axis lists).
            var (written, spec) = LedgerSpecJson.WriteBoth(job, names => _axisLists.IdOf(names, connection, transaction));
            Append(_hash, job, written);
            remember.Parameters["$id"].Value = job.Id;
            if (remember.ExecuteNonQuery() == 0)
            {
                continue;
            }

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
            using var key = Command(transaction, "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", "$key", "$value");
            key.Parameters["$key"].Value = MetaKey;
            key.Parameters["$value"].Value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(_hash.GetHashAndReset())}:{Added + Existing}");
            key.ExecuteNonQuery();
            transaction.Commit();
        }

        var lost = Convert.ToInt32(LedgerSchema.Scalar(connection, "SELECT COUNT(*) FROM jobs WHERE in_manifest = 0;"), System.Globalization.CultureInfo.InvariantCulture);
        Execute("DROP TABLE IF EXISTS temp.sync_ids;");
        return lost;
    }

    public void Dispose() => _hash.Dispose();

    private static System.Security.Cryptography.IncrementalHash NewHash() =>
        System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

    private static void Append(System.Security.Cryptography.IncrementalHash hash, JobSpec job, string spec)
    {
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{job.Id}\u001f{job.Provider}\u001f{spec}\n"));
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
