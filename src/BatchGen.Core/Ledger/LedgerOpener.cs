using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>Opens, checks and (when new) creates a ledger file; every refusal is a one-line <see cref="LedgerException"/>.</summary>
internal static class LedgerOpener
{
    private const int BusyTimeoutMs = 5000;

    static LedgerOpener() => SQLitePCL.Batteries.Init();

    public static T OpenWritable<T>(string path, TimeProvider timeProvider, Func<string, string, SqliteConnection, FileStream, T> create)
    {
        var full = FullPath(path);
        CreateDirectory(full);
        var fileLock = AcquireLock(full);
        SqliteConnection? connection = null;
        try
        {
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
            return create(full, ConnectionString(full, SqliteOpenMode.ReadOnly, pooling: true), connection, fileLock);
        }
        catch (Exception ex) when (ex is SqliteException or LedgerException)
        {
            connection?.Dispose();
            fileLock.Dispose();
            throw ex as LedgerException ?? LedgerErrors.From(full, (SqliteException)ex);
        }
    }

    public static T OpenReadOnly<T>(string path, Func<string, string, T> create)
    {
        var full = FullPath(path);
        if (!File.Exists(full))
        {
            throw LedgerException.Create(full, "no ledger here", "run `batchgen run` first, or pass the ledger path (default <output dir>/ledger.db)");
        }

        var connectionString = ConnectionString(full, SqliteOpenMode.ReadOnly, pooling: true);
        try
        {
            using var connection = new SqliteConnection(ConnectionString(full, SqliteOpenMode.ReadOnly, pooling: false));
            connection.Open();
            ApplyReaderPragmas(connection);
            if (LedgerSchema.Inspect(connection, full) == LedgerSchema.Kind.Empty)
            {
                throw LedgerException.Create(full, "is an empty SQLite database, not a BatchGen ledger", "pass a ledger written by batchgen");
            }
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(full, ex);
        }

        return create(full, connectionString);
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

    private static FileStream AcquireLock(string full)
    {
        var lockPath = full + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw LedgerException.Create(full, "the ledger's directory is not writable", "choose a writable --out directory", ex);
        }
        catch (IOException ex)
        {
            throw LedgerException.Create(full, "another batchgen process is using this ledger", "wait for it to finish, or stop it; its work resumes from the ledger", ex);
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
