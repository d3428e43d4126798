using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The ledger's tables and how a file is recognised: SQLite <c>application_id</c> marks a BatchGen ledger,
/// <c>user_version</c> holds the schema version, and <c>meta</c> repeats both for humans.
/// </summary>
internal static class LedgerSchema
{
    /// <summary>'BGL1' in ASCII.</summary>
    public const int ApplicationId = 0x42474C31;

    public const int Version = 1;

    public const string FormatKey = "format";

    public const string FormatValue = "batchgen-ledger";

    private const string CreateSql = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        CREATE TABLE jobs (
            id                 TEXT PRIMARY KEY NOT NULL,
            seq                INTEGER NOT NULL UNIQUE,
            provider           TEXT NOT NULL,
            state              TEXT NOT NULL,
            spec_json          TEXT NOT NULL,
            attempts           INTEGER NOT NULL DEFAULT 0,
            remote_id          TEXT,
            result_url         TEXT,
            file_path          TEXT,
            bytes              INTEGER,
            sha256             TEXT,
            estimated_cost_usd TEXT,
            actual_cost_usd    TEXT,
            error_class        TEXT,
            error_code         TEXT,
            error_message      TEXT,
            submitted_at       TEXT,
            started_at         TEXT,
            completed_at       TEXT,
            updated_at         TEXT NOT NULL,
            in_manifest        INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX jobs_provider_state ON jobs (provider, state);
        CREATE TABLE events (
            seq                INTEGER PRIMARY KEY,
            time               TEXT NOT NULL,
            job_id             TEXT NOT NULL REFERENCES jobs (id),
            state              TEXT NOT NULL,
            attempt            INTEGER NOT NULL,
            remote_id          TEXT,
            http_status        INTEGER,
            error_class        TEXT,
            error_code         TEXT,
            error_message      TEXT,
            estimated_cost_usd TEXT,
            actual_cost_usd    TEXT,
            result_url         TEXT,
            file_path          TEXT,
            bytes              INTEGER,
            sha256             TEXT,
            note               TEXT
        );
        CREATE INDEX events_job_id ON events (job_id, seq);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
        """;

    /// <summary>What the file holds before we touch it.</summary>
    public enum Kind
    {
        Empty,
        Ledger,
    }

    /// <summary>
    /// Reads the header fields only (no writes, so a foreign database is left untouched) and refuses what is not an
    /// empty database or a BatchGen ledger this version can read.
    /// </summary>
    public static Kind Inspect(SqliteConnection connection, string path)
    {
        var applicationId = Convert.ToInt64(Scalar(connection, "PRAGMA application_id;"), System.Globalization.CultureInfo.InvariantCulture);
        var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        var tables = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sqlite_master;"), System.Globalization.CultureInfo.InvariantCulture);
        if (applicationId == 0 && version == 0 && tables == 0)
        {
            return Kind.Empty;
        }

        if (applicationId != ApplicationId)
        {
            throw LedgerException.Create(path, "is a SQLite database but not a BatchGen ledger", "pass a ledger written by batchgen, or choose another --out directory", failure: LedgerFailure.NotALedger);
        }

        if (version > Version)
        {
            throw LedgerException.Create(path, $"ledger schema version {version} is newer than this batchgen supports ({Version})", "upgrade batchgen");
        }

        if (version < 1)
        {
            throw LedgerException.Create(path, $"ledger schema version {version} is unknown", "the file was not written by batchgen; choose another --out directory", failure: LedgerFailure.NotALedger);
        }

        return Kind.Ledger;
    }

    /// <summary>Runs SQLite's quick integrity check and refuses a damaged file.</summary>
    public static void CheckIntegrity(SqliteConnection connection, string path)
    {
        var result = Convert.ToString(Scalar(connection, "PRAGMA quick_check(1);"), System.Globalization.CultureInfo.InvariantCulture);
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
        {
            var detail = (result ?? "no result").ReplaceLineEndings(" ");
            detail = detail.Length > 160 ? detail[..160] + "..." : detail;
            throw LedgerException.Create(path, $"ledger is corrupt: {detail}", "restore it from a backup or move it away to start a new ledger");
        }
    }

    public static void Create(SqliteConnection connection, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = CreateSql
            + $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {Version};"
            + "INSERT INTO meta (key, value) VALUES ($format, $formatValue), ('schema_version', $version), ('created_at', $now);";
        command.Parameters.AddWithValue("$format", FormatKey);
        command.Parameters.AddWithValue("$formatValue", FormatValue);
        command.Parameters.AddWithValue("$version", Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$now", LedgerValues.Time(now));
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The ledger's random id (meta 'ledger_id'), created when missing (ledgers from before it existed).</summary>
    public static string EnsureLedgerId(SqliteConnection connection)
    {
        if (ReadLedgerId(connection) is { } id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString("N");
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO meta (key, value) VALUES ('ledger_id', $id);";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        return id;
    }

    public static string? ReadLedgerId(SqliteConnection connection) =>
        Scalar(connection, "SELECT value FROM meta WHERE key = 'ledger_id';") as string;

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
