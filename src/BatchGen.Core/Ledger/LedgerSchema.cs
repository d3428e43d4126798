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

    /// <summary>
    /// Schema changes after the base schema (version 1), applied in order, each in its own transaction, when a ledger
    /// is opened for writing. <c>user_version</c> is 1 + the number applied; a ledger with a higher number than this
    /// binary knows is refused. Append new steps at the end (never edit or reorder a released one). Most are additive
    /// (new tables, new nullable columns), so readers of older ledgers check for what they need with
    /// <see cref="HasTable"/> / <see cref="HasColumn"/>; <c>compact_keys</c> rebuilds tables, and readers tell its
    /// layout by <see cref="IsKeyed"/> and read either form of a value (<see cref="LedgerValues"/>, <see cref="LedgerBlobs"/>).
    /// </summary>
    private static readonly Migration[] Migrations =
    [
        new("reviews", """
            CREATE TABLE votes (
                seq          INTEGER PRIMARY KEY,
                time         TEXT NOT NULL,
                rater        TEXT NOT NULL,
                axis         TEXT,
                left_job_id  TEXT NOT NULL,
                right_job_id TEXT NOT NULL,
                winner       TEXT NOT NULL CHECK (winner IN ('left', 'right', 'tie', 'both_bad')),
                source       TEXT NOT NULL
            );
            CREATE TABLE ratings (
                seq      INTEGER PRIMARY KEY,
                time     TEXT NOT NULL,
                rater    TEXT NOT NULL,
                job_id   TEXT NOT NULL,
                stars    INTEGER CHECK (stars IS NULL OR stars BETWEEN 1 AND 5),
                rejected INTEGER NOT NULL DEFAULT 0,
                tags     TEXT,
                note     TEXT
            );
            CREATE TABLE video_checks (
                seq             INTEGER PRIMARY KEY,
                time            TEXT NOT NULL,
                job_id          TEXT NOT NULL,
                sha256          TEXT,
                duration_s      REAL,
                black_fraction  REAL,
                frozen_fraction REAL,
                scene_cuts      INTEGER,
                motion          REAL,
                error           TEXT
            );
            CREATE INDEX video_checks_job ON video_checks (job_id, seq);
            CREATE TRIGGER votes_no_update BEFORE UPDATE ON votes
                BEGIN SELECT RAISE(ABORT, 'ledger votes are append-only'); END;
            CREATE TRIGGER votes_no_delete BEFORE DELETE ON votes
                BEGIN SELECT RAISE(ABORT, 'ledger votes are append-only'); END;
            CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
                BEGIN SELECT RAISE(ABORT, 'ledger ratings are append-only'); END;
            CREATE TRIGGER ratings_no_delete BEFORE DELETE ON ratings
                BEGIN SELECT RAISE(ABORT, 'ledger ratings are append-only'); END;
            """),
        // What each saved video is: frame size, duration, codec, and a warning when it differs from the request.
        new(
            "video_facts",
            "ALTER TABLE jobs ADD COLUMN video_width INTEGER; ALTER TABLE jobs ADD COLUMN video_height INTEGER; "
            + "ALTER TABLE jobs ADD COLUMN video_seconds REAL; ALTER TABLE jobs ADD COLUMN video_codec TEXT; "
            + "ALTER TABLE jobs ADD COLUMN video_warning TEXT;"),
        // One record per output file of a job (Pixwith num_outputs), filled from what older ledgers kept.
        new("outputs", LedgerMigrations.OutputsSql),
        // Verified webhook deliveries, one per task and status: the deduplication key, written before the 2xx reply.
        new("webhooks", LedgerMigrations.WebhooksSql),
        // When each output file was verified: size (bytes), modification time and inode, so a resume trusts it unread.
        new("output_stamps", "ALTER TABLE outputs ADD COLUMN file_mtime_ns INTEGER; ALTER TABLE outputs ADD COLUMN file_inode INTEGER;"),
        // Local images uploaded for a provider (Pixwith's pre_url, or the image store): one row per upload, so a
        // resume never uploads the same content again for the same provider. A pending row is the write-ahead
        // intent of a transfer (its URL known before the bytes leave): a resume checks the URL before uploading.
        new("uploads", """
            CREATE TABLE IF NOT EXISTS uploads (
                seq        INTEGER PRIMARY KEY,
                time       TEXT NOT NULL,
                sha256     TEXT NOT NULL,
                provider   TEXT NOT NULL,
                url        TEXT NOT NULL,
                bytes      INTEGER NOT NULL,
                expires_at TEXT,
                pending    INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS uploads_key ON uploads (sha256, provider, seq);
            """),
        // Where each output was uploaded (output.store): key, s3:// URL, size, SHA-256 and ETag of the checked object.
        new("stored_objects", LedgerMigrations.StoredObjectsSql),
        // Smaller rows (see LedgerSpecJson and LedgerAppendCommands): compact spec_json; output 1 pointing at the event
        // that recorded its URL (url_event) or its path and SHA-256 (file_event) instead of repeating them; the job row
        // marking '' what equals output 1; no note on the pending event. The index of events by job served only
        // diagnostics (a scan answers them); dropping it saves about 30 bytes an event. Older binaries refuse the file
        // from here on (its version is newer), as they could not read these rows.
        new("compact_rows", "DROP INDEX IF EXISTS events_job_id; ALTER TABLE outputs ADD COLUMN url_event INTEGER; ALTER TABLE outputs ADD COLUMN file_event INTEGER;"),
        // Integer keys and times (a rebuild of jobs, events and outputs; see LedgerMigrations.CompactKeysSql): events and
        // outputs name their job by its seq, times are 100 ns units since 1970, an event's state is a code. Older
        // binaries refuse the file (its version is newer); readers of older files take both forms (LedgerValues).
        new("compact_keys", LedgerMigrations.CompactKeysSql()),
        // Bytes for what is hex text (LedgerBlobs): a SHA-256 as its 32 bytes, a UUID-like remote id as its 16; room
        // reserved in a new job row for what its later states add (jobs.spare, see LedgerMigrations.JobRowSpare); a job's
        // axis names as the number of a list kept once in meta (LedgerAxisLists). Rows already written are kept; readers
        // take both forms. Older binaries refuse the file (its version is newer), as they could not read the new rows.
        new("compact_values", LedgerMigrations.CompactValuesSql()),
    ];

    /// <summary>The schema version of a ledger whose last applied step is <paramref name="migration"/> (for tests of older files).</summary>
    internal static int VersionAfter(string migration) =>
        2 + Array.FindIndex(Migrations, m => string.Equals(m.Name, migration, StringComparison.Ordinal));

    /// <summary>True when a ledger has the <c>compact_keys</c> layout (events name their job by <c>job_seq</c>).</summary>
    public static bool IsKeyed(SqliteConnection connection) => HasColumn(connection, "events", "job_seq");

    /// <summary>The schema version this binary writes: the base schema plus every migration.</summary>
    public static int Version => 1 + Migrations.Length;


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

    /// <summary>Applies the migrations a ledger written by an older binary lacks (writable connections only).</summary>
    public static void Migrate(SqliteConnection connection, DateTimeOffset now) => Migrate(connection, now, Version);

    /// <summary>Applies the missing migrations up to schema version <paramref name="version"/> (tests make older files with it).</summary>
    internal static void Migrate(SqliteConnection connection, DateTimeOffset now, int version)
    {
        while (true)
        {
            // IMMEDIATE: two processes migrating at once (a run and a review app) take turns, and the second sees
            // the first's work when it re-reads the version inside its own transaction.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version;";
            var step = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) - 1;
            if (step >= Migrations.Length || step + 1 >= version)
            {
                return;
            }

            command.CommandText = Migrations[step].Sql
                + $"PRAGMA user_version = {step + 2};"
                + "INSERT INTO meta (key, value) VALUES ('schema_version', $version) ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
                + "INSERT INTO meta (key, value) VALUES ($migrationKey, $now) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
            command.Parameters.AddWithValue("$version", (step + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$migrationKey", "migrated:" + Migrations[step].Name);
            command.Parameters.AddWithValue("$now", LedgerValues.Time(now));
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                // A row the step cannot carry over (a rebuild meets a value no batchgen wrote): the transaction is rolled back.
                throw new SqliteException($"schema step {Migrations[step].Name} cannot convert a row ({ex.Message.ReplaceLineEndings(" ")}); the ledger was left as it was, at version {step + 1}", ex.SqliteErrorCode);
            }

            transaction.Commit();
        }
    }

    /// <summary>True when the ledger has the table (a reader of an older, unmigrated ledger checks before it queries).</summary>
    public static bool HasTable(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        command.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>True when the table has the column.</summary>
    public static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column;";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public static void Create(SqliteConnection connection, DateTimeOffset now) => Create(connection, now, Version);

    /// <summary>Creates the schema as the binary whose version is <paramref name="version"/> did (for tests of older files).</summary>
    internal static void Create(SqliteConnection connection, DateTimeOffset now, int version)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = CreateSql
            + $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = 1;"
            + "INSERT INTO meta (key, value) VALUES ($format, $formatValue), ('schema_version', $version), ('created_at', $now);";
        command.Parameters.AddWithValue("$format", FormatKey);
        command.Parameters.AddWithValue("$formatValue", FormatValue);
        command.Parameters.AddWithValue("$version", "1");
        command.Parameters.AddWithValue("$now", LedgerValues.Time(now));
        command.ExecuteNonQuery();
        transaction.Commit();
        Migrate(connection, now, version);
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

    /// <summary>One additive schema step: a stable name (recorded in <c>meta</c> as <c>migrated:NAME</c>) and its SQL.</summary>
    private readonly record struct Migration(string Name, string Sql);
}
