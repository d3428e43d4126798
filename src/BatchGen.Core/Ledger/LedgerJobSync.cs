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
/// A ledger without jobs (a batch's first run) needs no temp table: every job it will hold comes from this manifest, a
/// repeated id is the one the insert ignores, and none is out of the manifest. Statements are prepared once per chunk
/// and bound by position (<see cref="LedgerStatement"/>); each spec is written once as UTF-8 for both the row and the
/// key (<see cref="LedgerSpecWriter"/>).
/// </summary>
internal sealed class LedgerJobSync(SqliteConnection connection, DateTimeOffset now) : IDisposable
{
    public const int ChunkSize = 10_000;

    /// <summary>Ledger meta key of the manifest the jobs were last synced with.</summary>
    public const string MetaKey = "manifest_synced";

    private readonly ManifestKey _key = new();
    private readonly LedgerSpecWriter _spec = new();
    private readonly LedgerAxisLists _axisLists = new();
    private readonly object?[] _values = new object?[5];
    private long _nextSeq;
    private bool _firstSync;

    public int Added { get; private set; }

    public int Existing { get; private set; }

    /// <summary>The key of a manifest's jobs: the hash of each one's id, provider and stored spec, in order (one pass over them).</summary>
    public static string Key(IEnumerable<JobSpec> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        using var key = new ManifestKey();
        using var spec = new LedgerSpecWriter();
        foreach (var job in jobs)
        {
            spec.Write(job, sharedAxes: null);
            key.Add(job, spec.Whole.Span);
        }

        return key.Finish();
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
        _nextSeq = Convert.ToInt64(LedgerSchema.Scalar(connection, "SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs;"), System.Globalization.CultureInfo.InvariantCulture);
        _firstSync = _nextSeq == 1;
        Execute(_firstSync
            ? "DROP TABLE IF EXISTS temp.sync_ids;"
            : "DROP TABLE IF EXISTS temp.sync_ids; CREATE TEMP TABLE sync_ids (id TEXT PRIMARY KEY NOT NULL);");
    }

    /// <summary>
    /// Writes one chunk in one transaction: the job <paramref name="jobs"/> is on and the ones after it, up to
    /// <see cref="ChunkSize"/>. True when more jobs follow (the enumerator is then on the next chunk's first). A job id
    /// repeated in the input counts once.
    /// </summary>
    public bool WriteChunk(IEnumerator<JobSpec> jobs)
    {
        var time = LedgerValues.Ticks(now);
        using var transaction = connection.BeginTransaction();
        using var remember = _firstSync ? null : new LedgerStatement(connection, "INSERT OR IGNORE INTO temp.sync_ids (id) VALUES ($id);", ["$id"]);
        using var insert = new LedgerStatement(
            connection,
            $"INSERT OR IGNORE INTO jobs (id, seq, provider, state, spec_json, updated_at, in_manifest, spare) VALUES ($id, $seq, $provider, 'pending', $spec, $time, 1, zeroblob({LedgerMigrations.JobRowSpare}));",
            ["$id", "$seq", "$provider", "$spec", "$time"]);
        using var refresh = _firstSync ? null : new LedgerStatement(connection, "UPDATE jobs SET spec_json = $spec WHERE id = $id AND spec_json <> $spec;", ["$id", "$spec"]);
        using var pending = new LedgerStatement(
            connection,
            $"INSERT INTO events (time, job_seq, state, attempt) VALUES ($time, $seq, {LedgerValues.StateCode(JobState.Pending)}, 0);",
            ["$time", "$seq"]);

        bool more;
        try
        {
            var written = 0;
            do
            {
                Write(jobs.Current, transaction, time, remember, insert, refresh, pending);
                more = jobs.MoveNext();
            }
            while (more && ++written < ChunkSize);
        }
        catch
        {
            // A list of axes added in this transaction is gone with it: read them again from the file when next needed.
            _axisLists.Forget();
            throw;
        }

        transaction.Commit();
        return more;
    }

    private void Write(JobSpec job, SqliteTransaction transaction, long time, LedgerStatement? remember, LedgerStatement insert, LedgerStatement? refresh, LedgerStatement pending)
    {
        var values = _values;
        // The key hashes the spec as every backend writes it; the row holds the compact form (shared axis lists).
        _spec.Write(job, names => _axisLists.IdOf(names, connection, transaction));
        _key.Add(job, _spec.Whole.Span);
        var spec = new Utf8Text(_spec.Stored);
        values[0] = job.Id;
        if (remember is not null && remember.ExecuteChanges(values.AsSpan(0, 1)) == 0)
        {
            return;
        }

        values[1] = _nextSeq;
        values[2] = job.Provider;
        values[3] = spec;
        values[4] = time;
        if (insert.ExecuteChanges(values) == 1)
        {
            _nextSeq++;
            Added++;
            values[0] = time;
            pending.Execute(values.AsSpan(0, 2));
        }
        else if (refresh is not null)
        {
            Existing++;
            values[1] = spec;
            refresh.Execute(values.AsSpan(0, 2));
        }

        // Else a first sync met an id it inserted earlier in this input: counted once, as the temp table would.
    }

    /// <summary>Marks every ledger job in or out of the manifest and returns how many are out (lost).</summary>
    public int Finish()
    {
        using (var transaction = connection.BeginTransaction())
        {
            if (!_firstSync)
            {
                using var mark = Command(
                    transaction,
                    "UPDATE jobs SET in_manifest = (id IN (SELECT id FROM temp.sync_ids)) WHERE in_manifest <> (id IN (SELECT id FROM temp.sync_ids));");
                mark.ExecuteNonQuery();
            }

            using var key = Command(transaction, "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", "$key", "$value");
            key.Parameters["$key"].Value = MetaKey;
            key.Parameters["$value"].Value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_key.Finish()}:{Added + Existing}");
            key.ExecuteNonQuery();
            transaction.Commit();
        }

        if (_firstSync)
        {
            return 0;
        }

        var lost = Convert.ToInt32(LedgerSchema.Scalar(connection, "SELECT COUNT(*) FROM jobs WHERE in_manifest = 0;"), System.Globalization.CultureInfo.InvariantCulture);
        Execute("DROP TABLE IF EXISTS temp.sync_ids;");
        return lost;
    }

    public void Dispose()
    {
        _key.Dispose();
        _spec.Dispose();
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
