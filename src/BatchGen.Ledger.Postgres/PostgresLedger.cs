using System.Runtime.CompilerServices;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// A batch's ledger in PostgreSQL, with the SQLite ledger's semantics (see <see cref="ILedger"/>): an append-only
/// <c>events</c> table and the current row per job, written in one transaction per event, committed with
/// <c>synchronous_commit=on</c> so an awaited append is durable. Many batches share a database (a <c>batch_id</c> on
/// every row). A writable ledger holds a session advisory lock on its batch for its lifetime, so two runs never work
/// one batch (the second is refused naming the first); readers take no lock.
/// </summary>
public sealed partial class PostgresLedger : ILedgerImport
{
    /// <summary>First key of the batch advisory locks ('BGL1').</summary>
    internal const int LockClass = 0x42474C31;

    private readonly NpgsqlDataSource _source;
    private readonly PostgresAddress _address;
    private readonly TimeProvider _time;
    private readonly NpgsqlConnection? _lockConnection;
    private int _disposed;

    private PostgresLedger(NpgsqlDataSource source, PostgresAddress address, PostgresBatch batch, long batchId, TimeProvider time, NpgsqlConnection? lockConnection)
    {
        _source = source;
        _address = address;
        _time = time;
        _lockConnection = lockConnection;
        Batch = batch;
        BatchId = batchId;
        Location = $"{address.Display} batch {batch}";
    }

    public string Location { get; }

    public IReadOnlyList<string> Notices { get; } = [];

    public string? RollbackWarning => null;

    public PostgresBatch Batch { get; }

    /// <summary>The batch's row id in <c>batches</c>.</summary>
    internal long BatchId { get; }

    private bool Writable => _lockConnection is not null;

    /// <summary>
    /// Opens the batch for a run: applies missing migrations, creates the batch on first use, and takes its lock.
    /// Refuses (one line, no password) an unreachable server, a newer schema, or a batch another run holds.
    /// </summary>
    public static Task<PostgresLedger> OpenAsync(PostgresAddress address, PostgresBatch batch, TimeProvider time, CancellationToken cancellationToken) =>
        OpenCoreAsync(address, batch, time, shared: false, cancellationToken);

    /// <summary>
    /// Opens the batch for one worker of a fleet (<c>batchgen run</c>): as <see cref="OpenAsync"/>, but the batch lock is
    /// shared, so many workers run the batch together (their claims keep them apart) while anything that needs the batch
    /// alone (an exclusive <see cref="OpenAsync"/>, e.g. a forced <c>ledger copy</c>) is refused while they run.
    /// </summary>
    public static Task<PostgresLedger> OpenForWorkerAsync(PostgresAddress address, PostgresBatch batch, TimeProvider time, CancellationToken cancellationToken) =>
        OpenCoreAsync(address, batch, time, shared: true, cancellationToken);

    private static async Task<PostgresLedger> OpenCoreAsync(PostgresAddress address, PostgresBatch batch, TimeProvider time, bool shared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(time);
        var location = $"{address.Display} batch {batch}";
        var source = NpgsqlDataSource.Create(address.Builder.ConnectionString);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.MigrateAsync(connection, location, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await using (var upsert = new NpgsqlCommand(
                "INSERT INTO batches (name, batch_key, created_at) VALUES (@name, @key, @now) ON CONFLICT (name, batch_key) DO NOTHING;",
                connection))
            {
                upsert.Parameters.AddWithValue("name", batch.Name);
                upsert.Parameters.AddWithValue("key", batch.Key);
                upsert.Parameters.AddWithValue("now", LedgerValues.Time(time.GetUtcNow()));
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var batchId = await FindBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false)
                ?? throw PostgresErrors.Create(location, "the batch row vanished after it was created", "run again");
            await TakeLockAsync(connection, batchId, location, shared, cancellationToken).ConfigureAwait(false);
            return new PostgresLedger(source, address, batch, batchId, time, connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or LedgerException or TimeoutException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            await source.DisposeAsync().ConfigureAwait(false);
            throw PostgresErrors.From(address, location, ex);
        }
    }

    /// <summary>Opens an existing batch for reading (status, report, export); refuses a missing one naming the batches present.</summary>
    public static async Task<PostgresLedger> OpenReadOnlyAsync(PostgresAddress address, PostgresBatch batch, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(batch);
        var location = $"{address.Display} batch {batch}";
        var source = NpgsqlDataSource.Create(address.Builder.ConnectionString);
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var version = await PostgresSchema.ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
            if (version == 0)
            {
                throw PostgresErrors.Create(location, "the database holds no BatchGen ledger", "run `batchgen run --ledger ...` first, or check the database name");
            }

            PostgresSchema.CheckNotNewer(version, location);
            var batchId = await FindBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            if (batchId is null)
            {
                var known = await KnownBatchesAsync(connection, cancellationToken).ConfigureAwait(false);
                throw PostgresErrors.Create(location, "no such batch in this database", known.Count == 0 ? "run the batch first" : $"batches here: {string.Join(", ", known)}");
            }

            return new PostgresLedger(source, address, batch, batchId.Value, time, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or LedgerException or TimeoutException)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw PostgresErrors.From(address, location, ex);
        }
    }

    public async Task<LedgerJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await foreach (var job in StreamAsync(
            $"SELECT {PostgresRows.JobColumns} FROM jobs WHERE batch_id = @batch AND id = @id;",
            command => command.Parameters.AddWithValue("id", jobId),
            LedgerRows.ReadJob,
            cancellationToken).ConfigureAwait(false))
        {
            return job;
        }

        return null;
    }

    public IAsyncEnumerable<LedgerJob> ReadJobsAsync(CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {PostgresRows.JobColumns} FROM jobs WHERE batch_id = @batch ORDER BY seq;", null, LedgerRows.ReadJob, cancellationToken);

    /// <summary>Every job of the batch sorted by id in byte order (COLLATE "C", as the reports sort), streamed.</summary>
    public IAsyncEnumerable<LedgerJob> ReadJobsByIdAsync(CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {PostgresRows.JobColumns} FROM jobs WHERE batch_id = @batch ORDER BY id COLLATE \"C\";", null, LedgerRows.ReadJob, cancellationToken);

    public async IAsyncEnumerable<LedgerJob> ReadJobsAsync(string provider, [EnumeratorCancellation] CancellationToken cancellationToken, int pageSize = 1000)
    {
        long after = 0;
        while (true)
        {
            var page = new List<(long Seq, LedgerJob Job)>(pageSize);
            await foreach (var row in StreamAsync(
                $"SELECT {PostgresRows.JobColumns}, seq FROM jobs WHERE batch_id = @batch AND provider = @provider AND seq > @after ORDER BY seq LIMIT @limit;",
                command =>
                {
                    command.Parameters.AddWithValue("provider", provider);
                    command.Parameters.AddWithValue("after", after);
                    command.Parameters.AddWithValue("limit", pageSize);
                },
                r => (r.GetInt64(r.FieldCount - 1), LedgerRows.ReadJob(r)),
                cancellationToken).ConfigureAwait(false))
            {
                page.Add(row);
            }

            foreach (var (_, job) in page)
            {
                yield return job;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1].Seq;
        }
    }

    public IAsyncEnumerable<LedgerEvent> ReadEventsAsync(string? jobId, CancellationToken cancellationToken) =>
        jobId is null
            ? StreamAsync($"SELECT {LedgerRows.EventColumns} FROM events WHERE batch_id = @batch ORDER BY seq;", null, LedgerRows.ReadEvent, cancellationToken)
            : StreamAsync(
                $"SELECT {LedgerRows.EventColumns} FROM events WHERE batch_id = @batch AND job_id = @id ORDER BY seq;",
                command => command.Parameters.AddWithValue("id", jobId),
                LedgerRows.ReadEvent,
                cancellationToken);

    public async Task<IReadOnlyDictionary<JobState, int>> CountByStateAsync(string? provider, CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<JobState>().ToDictionary(s => s, _ => 0);
        await foreach (var (state, count) in StreamAsync(
            "SELECT state, COUNT(*) FROM jobs WHERE batch_id = @batch AND (@provider::text IS NULL OR provider = @provider) GROUP BY state;",
            command => command.Parameters.Add(new NpgsqlParameter("provider", NpgsqlDbType.Text) { Value = (object?)provider ?? DBNull.Value }),
            r => (r.GetString(0), r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false))
        {
            counts[LedgerValues.ParseState(state)] = (int)count;
        }

        return counts;
    }

    public async Task SetMetaAsync(string key, string value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureWritable();
        await ExecuteAsync(
            "INSERT INTO meta (batch_id, key, value) VALUES (@batch, @key, @value) ON CONFLICT (batch_id, key) DO UPDATE SET value = excluded.value;",
            command =>
            {
                command.Parameters.AddWithValue("key", key);
                command.Parameters.AddWithValue("value", value);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (var value in StreamAsync(
            "SELECT value FROM meta WHERE batch_id = @batch AND key = @key;",
            command => command.Parameters.AddWithValue("key", key),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false))
        {
            return value;
        }

        return null;
    }

    public async Task<IReadOnlyDictionary<string, string>> ReadMetaAsync(CancellationToken cancellationToken)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var (key, value) in StreamAsync(
            "SELECT key, value FROM meta WHERE batch_id = @batch ORDER BY key;", null, r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
        {
            meta[key] = value;
        }

        return meta;
    }

    public async Task<BatchGen.Core.Reviews.ReviewData> ReadReviewsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return PostgresReviewStore.Read(connection, BatchId);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_lockConnection is not null)
        {
            // Closing the session releases the batch lock.
            await _lockConnection.DisposeAsync().ConfigureAwait(false);
        }

        await _source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A review store on the same batch (the review app and `votes import`); disposing it disposes <paramref name="owner"/>.</summary>
    internal PostgresReviewStore CreateReviewStore(IAsyncDisposable? owner = null) => new(_source, BatchId, Location, _address, _time) { Owned = owner };

    private static async Task<long?> FindBatchAsync(NpgsqlConnection connection, PostgresBatch batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM batches WHERE name = @name AND batch_key = @key;", connection);
        command.Parameters.AddWithValue("name", batch.Name);
        command.Parameters.AddWithValue("key", batch.Key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
    }

    private static async Task<List<string>> KnownBatchesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name, batch_key FROM batches ORDER BY id DESC LIMIT 10;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(new PostgresBatch(reader.GetString(0), reader.GetString(1) is { Length: > 0 } key ? key : null).ToString());
        }

        return names;
    }

    /// <summary>Takes the batch's session lock, or refuses naming the session that holds it.</summary>
    private static async Task TakeLockAsync(NpgsqlConnection connection, long batchId, string location, bool shared, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock{(shared ? "_shared" : string.Empty)}({LockClass}, @batch::int);", connection);
        command.Parameters.AddWithValue("batch", batchId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
        {
            return;
        }

        await using var holder = new NpgsqlCommand(
            "SELECT a.application_name, COALESCE(host(a.client_addr), 'local'), a.pid, to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            + $"WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {LockClass}::oid AND l.objid = @batch::oid AND l.objsubid = 2 LIMIT 1;",
            connection);
        holder.Parameters.AddWithValue("batch", batchId);
        await using var reader = await holder.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var who = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? $"{reader.GetString(0)} from {reader.GetString(1)} (server pid {reader.GetInt32(2)}, since {reader.GetString(3)})"
            : "another session";
        throw PostgresErrors.Create(location, $"another run holds this batch: {who}", "wait for it to finish, or stop it", failure: LedgerFailure.Locked);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!Writable)
        {
            throw PostgresErrors.Create(Location, "ledger is open read-only", "open it with OpenAsync to write");
        }
    }

    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlCommand>? bind, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("batch", BatchId);
            bind?.Invoke(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }
    }

    /// <summary>Streams rows (one connection for the enumeration); every Npgsql failure becomes a ledger error.</summary>
    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, Action<NpgsqlCommand>? bind, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        NpgsqlConnection connection;
        NpgsqlCommand command;
        NpgsqlDataReader reader;
        try
        {
            connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(_address, Location, ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("batch", BatchId);
                bind?.Invoke(command);
                try
                {
                    reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    throw PostgresErrors.From(_address, Location, ex);
                }

                await using (reader.ConfigureAwait(false))
                {
                    while (true)
                    {
                        try
                        {
                            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                yield break;
                            }
                        }
                        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                        {
                            throw PostgresErrors.From(_address, Location, ex);
                        }

                        yield return read(reader);
                    }
                }
            }
        }
    }
}
