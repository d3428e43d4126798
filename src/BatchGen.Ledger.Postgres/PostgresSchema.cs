using Npgsql;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// The PostgreSQL ledger's tables, in the schema <c>batchgen</c>: the SQLite ledger's tables and columns (see
/// <c>LedgerSchema</c>), each with a <c>batch_id</c> so many batches share one database, plus <c>batches</c> (one row
/// per manifest name and <c>--batch</c> id) and <c>schema_version</c>. Migrations are applied on first use by a
/// writer, in one transaction each under an advisory lock (two workers starting together take turns); a database
/// whose version is newer than this binary knows is refused. Append steps at the end, additive only.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Serialises migrations across every process using the database.</summary>
    private const long MigrationLock = 0x42474C31_00000001;

    private static readonly (string Name, string Sql)[] Migrations =
    [
        ("base", BaseSql),
        ("webhooks", WebhooksSql),
        ("output_stamps", "ALTER TABLE outputs ADD COLUMN IF NOT EXISTS file_mtime_ns BIGINT; ALTER TABLE outputs ADD COLUMN IF NOT EXISTS file_inode BIGINT;"),
        ("uploads", UploadsSql),
        ("stored_objects", StoredObjectsSql),
        // The SQLite step of the same name: job rows keep a compact spec_json (LedgerSpecJson), which older binaries
        // cannot read, so the version moves on and they refuse the database. The two columns keep the schemas alike;
        // this backend writes output values in full (they stay null) and keeps its index of events by job.
        ("compact_rows", "ALTER TABLE outputs ADD COLUMN IF NOT EXISTS url_event BIGINT; ALTER TABLE outputs ADD COLUMN IF NOT EXISTS file_event BIGINT;"),
    ];

    /// <summary>
    /// Outputs uploaded to the output store (the SQLite <c>stored_objects</c> step): written with the event that
    /// records the upload, read with each output (report and export links), dropped when the job gets new outputs.
    /// </summary>
    private const string StoredObjectsSql = """
        CREATE TABLE IF NOT EXISTS stored_objects (
            batch_id     BIGINT NOT NULL,
            job_id       TEXT NOT NULL,
            output_index INTEGER NOT NULL,
            object_key   TEXT NOT NULL,
            object_url   TEXT NOT NULL,
            bytes        BIGINT NOT NULL,
            sha256       TEXT NOT NULL,
            etag         TEXT,
            stored_at    TEXT NOT NULL,
            PRIMARY KEY (batch_id, job_id, output_index),
            FOREIGN KEY (batch_id, job_id) REFERENCES jobs (batch_id, id)
        );
        """;

    /// <summary>Uploads of local images, per batch (the SQLite <c>uploads</c> step).</summary>
    private const string UploadsSql = """
        CREATE TABLE IF NOT EXISTS uploads (
            seq        BIGSERIAL PRIMARY KEY,
            batch_id   BIGINT NOT NULL REFERENCES batches (id),
            time       TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            provider   TEXT NOT NULL,
            url        TEXT NOT NULL,
            bytes      BIGINT NOT NULL,
            expires_at TEXT,
            pending    INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS uploads_key ON uploads (batch_id, sha256, provider, seq);
        """;

    /// <summary>Verified webhook deliveries, one per batch, provider, task and status (the SQLite <c>webhooks</c> step).</summary>
    private const string WebhooksSql = """
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            batch_id  BIGINT NOT NULL REFERENCES batches (id),
            provider  TEXT NOT NULL,
            remote_id TEXT NOT NULL,
            status    TEXT NOT NULL,
            time      TEXT NOT NULL,
            job_id    TEXT,
            PRIMARY KEY (batch_id, provider, remote_id, status)
        );
        """;

    public static int Version => Migrations.Length;

    private const string BaseSql = """
        CREATE TABLE schema_version (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            version    INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE migrations (
            name       TEXT PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        CREATE TABLE batches (
            id         BIGSERIAL PRIMARY KEY,
            name       TEXT NOT NULL,
            batch_key  TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (name, batch_key)
        );
        CREATE TABLE meta (
            batch_id BIGINT NOT NULL REFERENCES batches (id),
            key      TEXT NOT NULL,
            value    TEXT NOT NULL,
            PRIMARY KEY (batch_id, key)
        );
        CREATE TABLE jobs (
            batch_id           BIGINT NOT NULL REFERENCES batches (id),
            id                 TEXT NOT NULL,
            seq                BIGINT NOT NULL,
            provider           TEXT NOT NULL,
            state              TEXT NOT NULL,
            spec_json          TEXT NOT NULL,
            attempts           INTEGER NOT NULL DEFAULT 0,
            remote_id          TEXT,
            result_url         TEXT,
            file_path          TEXT,
            bytes              BIGINT,
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
            in_manifest        BIGINT NOT NULL DEFAULT 1,
            video_width        INTEGER,
            video_height       INTEGER,
            video_seconds      DOUBLE PRECISION,
            video_codec        TEXT,
            video_warning      TEXT,
            PRIMARY KEY (batch_id, id),
            UNIQUE (batch_id, seq)
        );
        CREATE INDEX jobs_provider_state ON jobs (batch_id, provider, state);
        CREATE TABLE events (
            seq                BIGSERIAL PRIMARY KEY,
            batch_id           BIGINT NOT NULL,
            time               TEXT NOT NULL,
            job_id             TEXT NOT NULL,
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
            bytes              BIGINT,
            sha256             TEXT,
            note               TEXT,
            FOREIGN KEY (batch_id, job_id) REFERENCES jobs (batch_id, id)
        );
        CREATE INDEX events_job_id ON events (batch_id, job_id, seq);
        CREATE TABLE outputs (
            batch_id         BIGINT NOT NULL,
            job_id           TEXT NOT NULL,
            output_index     INTEGER NOT NULL,
            result_url       TEXT,
            file_path        TEXT,
            bytes            BIGINT,
            sha256           TEXT,
            width            INTEGER,
            height           INTEGER,
            duration_seconds DOUBLE PRECISION,
            updated_at       TEXT NOT NULL,
            PRIMARY KEY (batch_id, job_id, output_index),
            FOREIGN KEY (batch_id, job_id) REFERENCES jobs (batch_id, id)
        );
        CREATE TABLE votes (
            seq          BIGSERIAL PRIMARY KEY,
            batch_id     BIGINT NOT NULL REFERENCES batches (id),
            time         TEXT NOT NULL,
            rater        TEXT NOT NULL,
            axis         TEXT,
            left_job_id  TEXT NOT NULL,
            right_job_id TEXT NOT NULL,
            winner       TEXT NOT NULL CHECK (winner IN ('left', 'right', 'tie', 'both_bad')),
            source       TEXT NOT NULL
        );
        CREATE INDEX votes_batch ON votes (batch_id, seq);
        CREATE TABLE ratings (
            seq      BIGSERIAL PRIMARY KEY,
            batch_id BIGINT NOT NULL REFERENCES batches (id),
            time     TEXT NOT NULL,
            rater    TEXT NOT NULL,
            job_id   TEXT NOT NULL,
            stars    INTEGER CHECK (stars IS NULL OR stars BETWEEN 1 AND 5),
            rejected INTEGER NOT NULL DEFAULT 0,
            tags     TEXT,
            note     TEXT
        );
        CREATE INDEX ratings_batch ON ratings (batch_id, seq);
        CREATE TABLE video_checks (
            seq             BIGSERIAL PRIMARY KEY,
            batch_id        BIGINT NOT NULL REFERENCES batches (id),
            time            TEXT NOT NULL,
            job_id          TEXT NOT NULL,
            sha256          TEXT,
            duration_s      DOUBLE PRECISION,
            black_fraction  DOUBLE PRECISION,
            frozen_fraction DOUBLE PRECISION,
            scene_cuts      INTEGER,
            motion          DOUBLE PRECISION,
            error           TEXT
        );
        CREATE INDEX video_checks_job ON video_checks (batch_id, job_id, seq);
        -- Append-only, as in SQLite; a forced `ledger copy` may clear one batch by naming it in batchgen.purge_batch.
        CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.batch_id::text = current_setting('batchgen.purge_batch', true) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'ledger % are append-only', TG_TABLE_NAME;
        END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION append_only();
        CREATE TRIGGER votes_append_only BEFORE UPDATE OR DELETE ON votes FOR EACH ROW EXECUTE FUNCTION append_only();
        CREATE TRIGGER ratings_append_only BEFORE UPDATE OR DELETE ON ratings FOR EACH ROW EXECUTE FUNCTION append_only();
        """;

    /// <summary>The database's schema version (0: no BatchGen tables yet).</summary>
    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('batchgen.schema_version') IS NOT NULL;", connection, transaction);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand("SELECT version FROM batchgen.schema_version WHERE id = 1;", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : 0;
    }

    /// <summary>Refuses a database written by a newer binary.</summary>
    public static void CheckNotNewer(int version, string location)
    {
        if (version > Version)
        {
            throw PostgresErrors.Create(location, $"the database's ledger schema version {version} is newer than this batchgen supports ({Version})", "upgrade batchgen");
        }
    }

    /// <summary>Applies the missing steps, each in its own transaction under the migration lock.</summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string location, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock}); CREATE SCHEMA IF NOT EXISTS {PostgresAddress.SchemaName};", connection, transaction))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var version = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            CheckNotNewer(version, location);
            if (version == Version)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var (name, sql) = Migrations[version];
            var time = BatchGen.Core.Ledger.LedgerValues.Time(now);
            await using (var step = new NpgsqlCommand(sql, connection, transaction))
            {
                await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO migrations (name, applied_at) VALUES (@name, @time); "
                + "INSERT INTO schema_version (id, version, updated_at) VALUES (1, @version, @time) ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at;",
                connection,
                transaction))
            {
                record.Parameters.AddWithValue("name", name);
                record.Parameters.AddWithValue("time", time);
                record.Parameters.AddWithValue("version", version + 1);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
