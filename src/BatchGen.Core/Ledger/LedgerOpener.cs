using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>Opens, checks and (when new) creates a ledger file; every refusal is a one-line <see cref="LedgerException"/>.</summary>
internal static class LedgerOpener
{
    private const int BusyTimeoutMs = 5000;

    static LedgerOpener() => SQLitePCL.Batteries.Init();

    public static T OpenWritable<T>(string path, TimeProvider timeProvider, LedgerOpenOptions options, Func<string, string, SqliteConnection, LedgerGuard, IReadOnlyList<string>, T> create)
    {
        var full = FullPath(path);
        CreateDirectory(full);
        var fileLock = LedgerLock.Acquire(full, timeProvider);
        var notices = new List<string>();
        if (fileLock.Notice is { } notice)
        {
            notices.Add(notice);
        }

        SqliteConnection? connection = null;
        LedgerMark? mark = null;
        try
        {
            if (!fileLock.Created)
            {
                RefuseEmptyFile(full);
            }

            connection = new SqliteConnection(ConnectionString(full, SqliteOpenMode.ReadWriteCreate, pooling: false));
            connection.Open();
            Pragma(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs};");
            if (LedgerSchema.Inspect(connection, full) == LedgerSchema.Kind.Empty)
            {
                Pragma(connection, "PRAGMA journal_mode = WAL;");
                LedgerSchema.Create(connection, timeProvider.GetUtcNow());
            }
            else
            {
                LedgerSchema.CheckIntegrity(connection, full);
                Pragma(connection, "PRAGMA journal_mode = WAL;");
                LedgerSchema.Migrate(connection, timeProvider.GetUtcNow());
            }

            Pragma(connection, "PRAGMA synchronous = FULL;");
            var ledgerId = LedgerSchema.EnsureLedgerId(connection);
            var last = LedgerGuard.MaxSequence(connection);
            if (Behind(full, ledgerId, last) is { } lost)
            {
                if (!options.AcceptRollback)
                {
                    throw LedgerException.Create(full, lost, "check the providers' dashboards for this batch's jobs, then run again with --accept-ledger-rollback to continue from what the ledger holds");
                }

                notices.Add($"{full}: {lost}; accepted (--accept-ledger-rollback): continuing from what the ledger holds");
            }

            // What the open wrote (the schema, the ledger id) goes into ledger.db itself, not only the WAL.
            Pragma(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            mark = LedgerMark.Open(full, ledgerId);
            mark.Reset(last);
            return create(full, ReadOnlyConnectionString(full), connection, new LedgerGuard(full, fileLock, mark), notices);
        }
        catch (Exception ex) when (ex is SqliteException or LedgerException)
        {
            connection?.Dispose();
            mark?.Dispose();
            fileLock.Dispose();
            throw ex as LedgerException ?? LedgerErrors.From(full, (SqliteException)ex);
        }
    }

    public static T OpenReadOnly<T>(string path, Func<string, string, string?, T> create)
    {
        var full = FullPath(path);
        if (!File.Exists(full))
        {
            throw LedgerException.Create(full, "no ledger here", "run `batchgen run` first, or pass the ledger path (default <output dir>/ledger.db)");
        }

        RefuseEmptyFile(full);
        var connectionString = ReadOnlyConnectionString(full);
        string? warning;
        try
        {
            using var connection = new SqliteConnection(ReadOnlyConnectionString(full, pooling: false));
            connection.Open();
            ApplyReaderPragmas(connection);
            if (LedgerSchema.Inspect(connection, full) == LedgerSchema.Kind.Empty)
            {
                throw LedgerException.Create(full, "is an empty SQLite database, not a BatchGen ledger", "pass a ledger written by batchgen", failure: LedgerFailure.NotALedger);
            }

            warning = LedgerSchema.ReadLedgerId(connection) is { } id ? Behind(full, id, LedgerGuard.MaxSequence(connection)) : null;
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(full, ex);
        }

        return create(full, connectionString, warning is null ? null : $"{full}: {warning}");
    }

    /// <summary>Why the ledger is behind its mark (events lost with a WAL), or null when it is not.</summary>
    private static string? Behind(string full, string ledgerId, long last) =>
        LedgerMark.Read(full, ledgerId) is { } mark && mark > last
            ? $"the ledger ends at event {last} but event {mark} was recorded before ({Path.GetFileName(LedgerMark.PathFor(full))}): its write-ahead log was lost, and jobs submitted after event {last} would be submitted and paid again"
            : null;

    private static void RefuseEmptyFile(string full)
    {
        var wal = new FileInfo(full + "-wal");
        if (new FileInfo(full).Length == 0 && !(wal.Exists && wal.Length > 0))
        {
            throw LedgerException.Create(full, "is an empty file (0 bytes), not a BatchGen ledger", "a ledger is never empty: restore it from a backup, or remove the file to start a new batch", failure: LedgerFailure.NotALedger);
        }
    }

    /// <summary>
    /// Readers share the run's WAL. When there is no WAL (no run is going) and opening one would create files this
    /// user may not (a read-only directory or file, another user's ledger), the file is read as immutable: no -wal or
    /// -shm is created, and no lock taken.
    /// </summary>
    internal static string ReadOnlyConnectionString(string full, bool pooling = true)
    {
        var wal = new FileInfo(full + "-wal");
        var quiet = !(wal.Exists && wal.Length > 0) && !File.Exists(full + "-shm");
        if (!quiet || CanCreateBeside(full))
        {
            return ConnectionString(full, SqliteOpenMode.ReadOnly, pooling);
        }

        var uri = "file:" + Uri.EscapeDataString(full).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
        return ConnectionString(uri, SqliteOpenMode.ReadOnly, pooling);
    }

    private static bool CanCreateBeside(string full)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            var directory = System.IO.Path.GetDirectoryName(full)!;
            const UnixFileMode Write = UnixFileMode.UserWrite;
            var owner = PosixFiles.Stat(full)?.Owner;
            return (File.GetUnixFileMode(directory) & Write) != 0
                && (File.GetUnixFileMode(full) & Write) != 0
                && (owner is null || owner == PosixFiles.EffectiveUser());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void ApplyReaderPragmas(SqliteConnection connection) =>
        Pragma(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA query_only = 1;");

    /// <summary>The writer's connection is not pooled (closing it closes the file); readers are, and the pool is cleared on dispose.</summary>
    private static string ConnectionString(string path, SqliteOpenMode mode, bool pooling) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Cache = SqliteCacheMode.Private,
        Pooling = pooling,
    }.ToString();

    private static string FullPath(string path)
    {
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw LedgerException.Create(path, "is not a valid file path", "pass a valid path", ex);
        }
    }

    private static void CreateDirectory(string full)
    {
        var directory = System.IO.Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LedgerException.Create(full, $"cannot create the directory {directory}", "choose a writable --out directory", ex);
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>How a run opens its ledger.</summary>
public sealed record LedgerOpenOptions
{
    /// <summary>Open a ledger that ends before its high-water mark (its WAL was lost): the user checked the providers.</summary>
    public bool AcceptRollback { get; init; }
}
