using System.Runtime.CompilerServices;
using BatchGen.Core.Jobs;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The run's durable memory: one SQLite file (WAL, synchronous=FULL) with the current row of every job and an
/// append-only event stream, written together in one transaction. Writes go through a single writer with group
/// commit (<see cref="AppendAsync"/> returns once the event is on disk); reads use their own connections and see
/// committed data only. A read-write ledger holds an OS lock on the ledger file itself so two processes never run one batch (see LedgerLock), and
/// a guard checks the lock and the WAL around every commit (see LedgerGuard).
/// </summary>
public sealed partial class SqliteLedger : ILedger
{
    private readonly string _connectionString;
    private readonly LedgerWriter? _writer;
    private readonly SqliteConnection? _writerConnection;
    private readonly LedgerGuard? _guard;
    private readonly TimeProvider _timeProvider;
    private readonly string _jobColumns;

    /// <summary>The <c>compact_keys</c> layout (events name their job by <c>job_seq</c>); false for an older file opened read-only.</summary>
    private readonly bool _keyed;

    /// <summary>The lists of axes job rows name by number (<c>compact_values</c>), read when a row first names one.</summary>
    private readonly LedgerAxisLists _axisLists = new();
    private int _disposed;

    private SqliteLedger(string path, string connectionString, TimeProvider timeProvider, SqliteConnection? writerConnection, LedgerGuard? guard, IReadOnlyList<string> notices)
    {
        Path = path;
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _writerConnection = writerConnection;
        _guard = guard;
        Notices = notices;
        _writer = writerConnection is null ? null : new LedgerWriter(writerConnection, path, timeProvider, guard);
        // A read-only ledger may predate the video_facts or outputs migrations (only writers migrate).
        var columns = writerConnection is not null || HasVideoColumns(connectionString) ? LedgerRows.JobColumns : LedgerRows.JobColumnsWithoutVideo;
        var outputs = writerConnection is not null ? (Table: true, Stamps: true, Objects: true, Refs: true, Keyed: true) : OutputsSchema(connectionString);
        _jobColumns = outputs.Table ? LedgerRows.WithOutputs(columns, outputs.Stamps, outputs.Objects, outputs.Refs, outputs.Keyed) : columns;
        _keyed = outputs.Keyed;
    }

    /// <summary>A read-only ledger may predate the <c>video_facts</c> migration (only writers migrate).</summary>
    private static bool HasVideoColumns(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        LedgerOpener.ApplyReaderPragmas(connection);
        return LedgerSchema.HasColumn(connection, "jobs", "video_width");
    }

    /// <summary>
    /// Lines the user should see about how the ledger was opened: a run lock taken over from a process that is gone,
    /// an accepted rollback, or (read-only) a ledger that ends before its high-water mark.
    /// </summary>
    public IReadOnlyList<string> Notices { get; }

    /// <summary>Read-only: the ledger ends before its high-water mark (events were lost with a WAL); null when not.</summary>
    public string? RollbackWarning { get; private init; }

    /// <summary>The single writer, null when read-only (for tests).</summary>
    internal LedgerWriter? Writer => _writer;

    /// <summary>Full path of the ledger file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Location => Path;

    /// <summary>
    /// Creates or opens a ledger for a run (creating parent directories). Refuses, with a <see cref="LedgerException"/>,
    /// a file that is not a BatchGen ledger, a newer schema, a corrupt file, an unwritable place, or a ledger another
    /// process has open for writing.
    /// </summary>
    public static Task<SqliteLedger> OpenAsync(string path, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        OpenAsync(path, timeProvider, new LedgerOpenOptions(), cancellationToken);

    /// <summary>
    /// As <see cref="OpenAsync(string, TimeProvider, CancellationToken)"/>; another run holding the ledger is a
    /// <see cref="LedgerFailure.Locked"/> refusal naming it, and a ledger that ends before its high-water mark is
    /// refused unless <see cref="LedgerOpenOptions.AcceptRollback"/>.
    /// </summary>
    public static Task<SqliteLedger> OpenAsync(string path, TimeProvider timeProvider, LedgerOpenOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => LedgerOpener.OpenWritable(path, timeProvider, options, (p, cs, c, g, n) => new SqliteLedger(p, cs, timeProvider, c, g, n)), cancellationToken);
    }

    /// <summary>Opens an existing ledger for reading only (status, reports, export). Errors if it is missing.</summary>
    public static Task<SqliteLedger> OpenReadOnlyAsync(string path, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(
            () => LedgerOpener.OpenReadOnly(path, (p, cs, warning) => new SqliteLedger(p, cs, timeProvider, null, null, warning is null ? [] : [warning]) { RollbackWarning = warning }),
            cancellationToken);
    }

    /// <summary>
    /// Inserts unknown jobs as pending (one 'pending' event each), refreshes the stored spec of known ones, and marks
    /// every ledger job in or out of the manifest. Streams <paramref name="jobs"/> in chunks of 10,000 per transaction,
    /// each job written as it comes (none is held until its chunk is full: they die young, which keeps the collector's
    /// work and the heap small).
    /// </summary>
    public async Task<LedgerSyncResult> SyncJobsAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var writer = Writable();
        using var sync = new LedgerJobSync(_writerConnection!, _timeProvider.GetUtcNow());
        await writer.ExclusiveAsync(_ => { sync.Begin(); return 0; }, cancellationToken).ConfigureAwait(false);
        using var next = jobs.GetEnumerator();
        var more = next.MoveNext();
        while (more)
        {
            more = await writer.ExclusiveAsync(_ => sync.WriteChunk(next), cancellationToken).ConfigureAwait(false);
        }

        var lost = await writer.ExclusiveAsync(_ => sync.Finish(), cancellationToken).ConfigureAwait(false);
        return new LedgerSyncResult(sync.Added, sync.Existing, lost);
    }

    /// <summary>
    /// Appends the event (its time set from the TimeProvider) and updates the job's row in one transaction; the task
    /// completes once both are durable. Safe to call from many tasks at once. An unknown job id fails with a
    /// <see cref="LedgerException"/>. Cancellation before the write starts means the event was not written.
    /// </summary>
    public async Task AppendAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        ArgumentException.ThrowIfNullOrEmpty(ledgerEvent.JobId);
        await Writable().AppendAsync(ledgerEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LedgerJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return await QueryAsync(
            $"SELECT {_jobColumns} FROM jobs WHERE id = $id;",
            command => command.Parameters.AddWithValue("$id", jobId),
            reader => reader.Read() ? ReadJob(reader) : null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every job in insertion order, streamed (one row in memory at a time).</summary>
    public IAsyncEnumerable<LedgerJob> ReadJobsAsync(CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {_jobColumns} FROM jobs ORDER BY seq;", null, ReadJob, cancellationToken);

    /// <summary>
    /// Every job sorted by id (byte order of the ASCII ids, as the primary key), streamed. Sorted by SQLite's sorter
    /// over a scan of the table (<c>+id</c> keeps the planner off the id index): ids are hashes, so walking the index
    /// would visit the job, output and event pages in random order, one read each, while the scan reads them in file
    /// order. The sorter keeps at most the page cache's worth of rows in memory and spills the rest to temporary
    /// files (the reader connection's <c>temp_store</c> is the default, a file).
    /// </summary>
    public IAsyncEnumerable<LedgerJob> ReadJobsByIdAsync(CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {_jobColumns} FROM jobs ORDER BY +id;", null, ReadJob, cancellationToken);

    /// <summary>
    /// From the distinct <c>axes</c> of the rows' specs, each with its least id (<see cref="LedgerAxisNames.FromAxesValues"/>):
    /// one scan of the table with no job parsed. Falls back to reading every job when a spec has an unexpected shape.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadAxisNamesAsync(CancellationToken cancellationToken)
    {
        var names = new LedgerAxisNames.FromAxesValues(AxisList);
        await foreach (var axes in StreamAsync(
            "SELECT json_extract(spec_json, '$.axes') AS axes, MIN(id) AS first FROM jobs GROUP BY axes ORDER BY first;",
            null,
            r => r.IsDBNull(0) ? null : r.GetValue(0),
            cancellationToken).ConfigureAwait(false))
        {
            if (!names.Add(axes))
            {
                return await LedgerAxisNames.FromJobsAsync(ReadJobsByIdAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }

        return names.InOrder;
    }

    /// <summary>Every job's spec and last update in table order: one scan of the job rows, no output or event read.</summary>
    public IAsyncEnumerable<LedgerJobHead> ReadJobHeadsAsync(CancellationToken cancellationToken) =>
        StreamAsync(
            "SELECT spec_json, id, provider, updated_at FROM jobs;",
            null,
            r => new LedgerJobHead(LedgerValues.ParseSpec(r.GetString(0), r.GetString(1), r.GetString(2), AxisList), LedgerValues.ReadTime(r, 3)),
            cancellationToken);

    /// <summary>Tables whose rows the reports read (every column, so a column added later counts too), events apart.</summary>
    private static readonly string[] ReportTables = ["jobs", "outputs", "stored_objects", "votes", "ratings", "video_checks"];

    /// <summary>
    /// SHA-256 over every value of <see cref="ReportTables"/>, table by table in scan order: each row as SQLite's
    /// <c>quote()</c> of each column (type and value, unambiguous), joined in SQL so a row costs one read, not one per value.
    /// </summary>
    public async Task<string?> ReportDataHashAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            foreach (var table in ReportTables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid;";
                var columns = new List<string>();
                await using (var names = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await names.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        columns.Add(names.GetString(0));
                    }
                }

                if (columns.Count == 0)
                {
                    continue;
                }

                hash.AppendData(System.Text.Encoding.ASCII.GetBytes(table));
                command.CommandText = $"SELECT {string.Join(" || ',' || ", columns.Select(c => $"quote(\"{c}\")"))} FROM {table};";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    buffer.ResetWrittenCount();
                    System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, reader.GetString(0).AsSpan(), buffer);
                    hash.AppendData(buffer.WrittenSpan);
                    hash.AppendData("\n"u8);
                }
            }

            // Job rows may point at the event that holds a value (compact rows): events are only ever appended, so
            // their count and last sequence number stand for all of them.
            await using (var events = connection.CreateCommand())
            {
                events.CommandText = "SELECT COALESCE(MAX(seq), 0) || ':' || COUNT(*) FROM events;";
                hash.AppendData(System.Text.Encoding.ASCII.GetBytes(Convert.ToString(await events.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(Path, ex);
        }
    }

    /// <summary>
    /// One provider's jobs in insertion order, read in pages of <paramref name="pageSize"/> on short read transactions,
    /// so a slow consumer (the run's feeder) never pins an old snapshot and the WAL can be checkpointed meanwhile.
    /// Each page is a fresh snapshot: a job's row reflects its state when its page was read.
    /// </summary>
    public IAsyncEnumerable<LedgerJob> ReadJobsAsync(string provider, CancellationToken cancellationToken, int pageSize = 1000) =>
        ReadJobPagesAsync(provider, string.Empty, pageSize, cancellationToken);

    /// <summary>
    /// The paged read behind <see cref="ReadJobsAsync(string, CancellationToken, int)"/>: one provider's jobs matching
    /// <paramref name="filter"/> (an SQL condition starting with <c>AND</c>, or empty), a page per short read.
    /// </summary>
    private async IAsyncEnumerable<LedgerJob> ReadJobPagesAsync(string provider, string filter, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = new List<(long Seq, LedgerJob Job)>(pageSize);
            await foreach (var row in StreamAsync(
                $"SELECT {_jobColumns}, seq FROM jobs WHERE provider = $id {filter} AND seq > {after} ORDER BY seq LIMIT {pageSize};",
                provider,
                r => (r.GetInt64(r.FieldCount - 1), ReadJob(r)),
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

    /// <summary>Events of one job, or of all jobs when <paramref name="jobId"/> is null, in the order they were written.</summary>
    public IAsyncEnumerable<LedgerEvent> ReadEventsAsync(string? jobId, CancellationToken cancellationToken) =>
        (_keyed, jobId) switch
        {
            (true, null) => StreamAsync($"{LedgerRows.KeyedEventsSelect} ORDER BY e.seq;", null, LedgerRows.ReadEvent, cancellationToken),
            (true, _) => StreamAsync($"{LedgerRows.KeyedEventsSelect} WHERE e.job_seq = (SELECT seq FROM jobs WHERE id = $id) ORDER BY e.seq;", jobId, LedgerRows.ReadEvent, cancellationToken),
            (false, null) => StreamAsync($"{LedgerRows.EventsSelect} ORDER BY seq;", null, LedgerRows.ReadEvent, cancellationToken),
            (false, _) => StreamAsync($"{LedgerRows.EventsSelect} WHERE job_id = $id ORDER BY seq;", jobId, LedgerRows.ReadEvent, cancellationToken),
        };

    /// <summary>Jobs per state (every state present, zero when none), over all providers or one. Lost jobs count too.</summary>
    public async Task<IReadOnlyDictionary<JobState, int>> CountByStateAsync(string? provider, CancellationToken cancellationToken)
    {
        return await QueryAsync(
            "SELECT state, COUNT(*) FROM jobs WHERE $provider IS NULL OR provider = $provider GROUP BY state;",
            command => command.Parameters.AddWithValue("$provider", (object?)provider ?? DBNull.Value),
            reader =>
            {
                var counts = Enum.GetValues<JobState>().ToDictionary(s => s, _ => 0);
                while (reader.Read())
                {
                    counts[LedgerValues.ParseState(reader.GetString(0))] = reader.GetInt32(1);
                }

                return (IReadOnlyDictionary<JobState, int>)counts;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a free-form key (manifest path, run name, run start times...). Durable when the task completes.</summary>
    public async Task SetMetaAsync(string key, string value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        await Writable().ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$value", value);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyDictionary<string, string>> ReadMetaAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT key, value FROM meta ORDER BY key;",
            _ => { },
            reader =>
            {
                var meta = new Dictionary<string, string>(StringComparer.Ordinal);
                while (reader.Read())
                {
                    meta[reader.GetString(0)] = reader.GetString(1);
                }

                return (IReadOnlyDictionary<string, string>)meta;
            },
            cancellationToken);

    public Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return QueryAsync(
            "SELECT value FROM meta WHERE key = $key;",
            command => command.Parameters.AddWithValue("$key", key),
            reader => reader.Read() ? reader.GetString(0) : null,
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        // Idle pooled readers first, so the writer's close is the last one and checkpoints the WAL.
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        if (_writerConnection is not null)
        {
            try
            {
                await _writerConnection.DisposeAsync().ConfigureAwait(false);
            }
            catch (SqliteException) when (_writer?.IsBroken == true)
            {
                // The write that broke it was reported; closing only repeats SQLite's abandoned transaction.
            }
        }

        _guard?.Dispose();
    }

    /// <summary>
    /// Whether a ledger opened read-only has the <c>outputs</c> table, its <c>output_stamps</c> columns the <c>stored_objects</c>
    /// table, the <c>compact_rows</c> event references and the <c>compact_keys</c> layout.
    /// </summary>
    private static (bool Table, bool Stamps, bool Objects, bool Refs, bool Keyed) OutputsSchema(string connectionString)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            LedgerOpener.ApplyReaderPragmas(connection);
            var keyed = LedgerSchema.IsKeyed(connection);
            return LedgerSchema.HasTable(connection, "outputs")
                ? (true, LedgerSchema.HasColumn(connection, "outputs", "file_mtime_ns"), LedgerSchema.HasTable(connection, "stored_objects"),
                    LedgerSchema.HasColumn(connection, "outputs", "url_event"), keyed)
                : (false, false, false, false, keyed);
        }
        catch (SqliteException)
        {
            // Reported by the first real read, with its path.
            return (false, false, false, false, false);
        }
    }

    private LedgerJob ReadJob(SqliteDataReader reader) => LedgerRows.ReadJob(reader, AxisList);

    /// <summary>
    /// A list of axes a job row names. One this copy has not seen (another process, or this one's sync, added it since)
    /// is read from the file on its own connection: the list was committed with the first row naming it, so a
    /// connection opened after that row was read holds it.
    /// </summary>
    private IReadOnlyList<string>? AxisList(long id)
    {
        if (_axisLists.Find(id) is { } known)
        {
            return known;
        }

        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        LedgerOpener.ApplyReaderPragmas(connection);
        _axisLists.Load(connection);
        return _axisLists.Find(id);
    }

    private LedgerWriter Writable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _writer ?? throw LedgerException.Create(Path, "ledger is open read-only", "open it with OpenAsync to write");
    }

    /// <summary>The batch's votes, ratings and automatic video checks (none for a ledger that predates reviews).</summary>
    public async Task<Reviews.ReviewData> ReadReviewsAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            return new Reviews.ReviewData(Reviews.ReviewStore.ReadVotes(connection), Reviews.ReviewStore.ReadRatings(connection), Reviews.ReviewStore.ReadChecks(connection));
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(Path, ex);
        }
    }

    private async Task<T> QueryAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return read(reader);
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(Path, ex);
        }
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, string? jobId, Func<SqliteDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await using var connection = await Guard(() => OpenReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (jobId is not null)
        {
            command.Parameters.AddWithValue("$id", jobId);
        }

        var reader = await Guard(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        var closed = false;
        try
        {
            while (await Guard(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                yield return read(reader);
            }

            // Closing a reader reports a damaged page it met (SQLite's reset): a ledger error, never a raw exception.
            closed = await Guard(() => CloseAsync(reader)).ConfigureAwait(false);
        }
        finally
        {
            if (!closed)
            {
                await CloseQuietlyAsync(reader).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> CloseAsync(SqliteDataReader reader)
    {
        await reader.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Early exit (the consumer stopped, or an error is already on its way): closing must not hide it.</summary>
    private static async Task CloseQuietlyAsync(SqliteDataReader reader)
    {
        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // The error that matters is the one already propagating.
        }
    }

    /// <summary>Runs the SQLite call (which may throw before returning its task) and turns its errors into ledger errors.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(Path, ex);
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            LedgerOpener.ApplyReaderPragmas(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
