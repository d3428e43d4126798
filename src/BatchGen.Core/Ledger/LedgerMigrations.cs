namespace BatchGen.Core.Ledger;

/// <summary>
/// The SQL of the <c>outputs</c> migration step (see <see cref="LedgerSchema"/>): additive (a new table, filled from
/// what the job rows already hold, never a rewrite of them). Read-only opens never migrate; readers check for the table.
/// </summary>
internal static class LedgerMigrations
{
    /// <summary>Version 2: one row per output file of a job (Pixwith <c>num_outputs</c> gives up to four).</summary>
    public const string OutputsTableSql = """
        CREATE TABLE IF NOT EXISTS outputs (
            job_id           TEXT NOT NULL REFERENCES jobs (id),
            output_index     INTEGER NOT NULL,
            result_url       TEXT,
            file_path        TEXT,
            bytes            INTEGER,
            sha256           TEXT,
            width            INTEGER,
            height           INTEGER,
            duration_seconds REAL,
            updated_at       TEXT NOT NULL,
            PRIMARY KEY (job_id, output_index)
        );
        """;

    /// <summary>
    /// Version 1 kept the first output on the job row only: copy it (the file only when the job succeeded), and add an
    /// empty record for every further output the job's <c>num_outputs</c> asked for, which the next run checks on disk
    /// (and downloads again when missing).
    /// </summary>
    private const string BackfillSql = """
        INSERT OR IGNORE INTO outputs (job_id, output_index, result_url, file_path, bytes, sha256, updated_at)
        SELECT id, 1, result_url,
               CASE WHEN state = 'succeeded' THEN file_path END,
               CASE WHEN state = 'succeeded' THEN bytes END,
               CASE WHEN state = 'succeeded' THEN sha256 END,
               updated_at
        FROM jobs
        WHERE result_url IS NOT NULL OR (state = 'succeeded' AND file_path IS NOT NULL);
        WITH RECURSIVE n(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM n WHERE k < 4)
        INSERT OR IGNORE INTO outputs (job_id, output_index, updated_at)
        SELECT jobs.id, n.k, jobs.updated_at
        FROM jobs JOIN n ON n.k <= COALESCE(json_extract(jobs.spec_json, '$.parameters.num_outputs'), 1)
        WHERE jobs.state IN ('generated', 'succeeded');
        """;

    /// <summary>
    /// One row per output uploaded to the output store (<c>output.store</c>): a new table (idempotent), so a ledger
    /// without uploads reads as before and a removed local copy is still known by its object.
    /// </summary>
    public const string StoredObjectsSql = """
        CREATE TABLE IF NOT EXISTS stored_objects (
            job_id       TEXT NOT NULL REFERENCES jobs (id),
            output_index INTEGER NOT NULL,
            object_key   TEXT NOT NULL,
            object_url   TEXT NOT NULL,
            bytes        INTEGER NOT NULL,
            sha256       TEXT NOT NULL,
            etag         TEXT,
            stored_at    TEXT NOT NULL,
            PRIMARY KEY (job_id, output_index)
        );
        """;

    /// <summary>The <c>outputs</c> migration step: the table, then the records older ledgers imply (idempotent).</summary>
    public const string OutputsSql = OutputsTableSql + BackfillSql;

    /// <summary>
    /// Webhook deliveries: one row per provider, task and status (a repeated delivery is ignored), with the job it
    /// belongs to when this run knew it. No rowid: the key is the row, about 100 bytes each.
    /// </summary>
    public const string WebhooksSql = """
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            provider  TEXT NOT NULL,
            remote_id TEXT NOT NULL,
            status    TEXT NOT NULL,
            time      TEXT NOT NULL,
            job_id    TEXT,
            PRIMARY KEY (provider, remote_id, status)
        ) WITHOUT ROWID;
        """;

    /// <summary>An ISO-8601 time column of the text layout (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>) as 100 ns units since 1970, exactly.</summary>
    private static string Ticks(string column) =>
        $"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 10000000 + CAST(substr({column}, 21, 7) AS INTEGER))";

    /// <summary>
    /// Schema step <c>compact_keys</c>: a rebuild of <c>jobs</c>, <c>events</c> and <c>outputs</c> (inside the step's one
    /// transaction). Times become integers (100 ns since 1970: 8 bytes instead of 28 characters); an event or output
    /// names its job by the job's <c>seq</c> (the jobs table's rowid) instead of repeating the 16-character id; an
    /// event's state is its code; <c>outputs</c> is keyed by (<c>job_seq</c>, <c>output_index</c>) without a rowid;
    /// <c>jobs</c> is keyed by <c>seq</c> with <c>id</c> unique (one index instead of two), and the index by provider
    /// and state is gone (a scan of the table answers its queries). A row that cannot be converted (a time not in the
    /// ledger's format, an event of an unknown job) fails the step, and the transaction leaves the file as it was.
    /// The children are dropped before the old <c>jobs</c> (foreign keys are enforced) and the new tables reference
    /// <c>jobs_keyed</c>, which the rename turns into <c>jobs</c>; <c>stored_objects</c> is copied as it is for that reason.
    /// </summary>
    public static string CompactKeysSql()
    {
        var states = string.Join(' ', LedgerValues.StateCodes().Select(s => $"WHEN '{s.Name}' THEN {s.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        return $"""
            DROP INDEX IF EXISTS jobs_provider_state;
            DROP INDEX IF EXISTS events_job_id;
            CREATE TABLE jobs_keyed (
                seq                INTEGER PRIMARY KEY,
                id                 TEXT NOT NULL UNIQUE,
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
                submitted_at       INTEGER,
                started_at         INTEGER,
                completed_at       INTEGER,
                updated_at         INTEGER NOT NULL,
                in_manifest        INTEGER NOT NULL DEFAULT 1,
                video_width        INTEGER,
                video_height       INTEGER,
                video_seconds      REAL,
                video_codec        TEXT,
                video_warning      TEXT
            );
            INSERT INTO jobs_keyed
            SELECT seq, id, provider, state, spec_json, attempts, remote_id, result_url, file_path, bytes, sha256,
                estimated_cost_usd, actual_cost_usd, error_class, error_code, error_message, {Ticks("submitted_at")},
                {Ticks("started_at")}, {Ticks("completed_at")}, {Ticks("updated_at")}, in_manifest, video_width, video_height,
                video_seconds, video_codec, video_warning
            FROM jobs ORDER BY seq;
            CREATE TABLE events_keyed (
                seq                INTEGER PRIMARY KEY,
                time               INTEGER NOT NULL,
                job_seq            INTEGER NOT NULL REFERENCES jobs_keyed (seq),
                state              INTEGER NOT NULL,
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
            INSERT INTO events_keyed
            SELECT e.seq, {Ticks("e.time")}, j.seq, CASE e.state {states} END, e.attempt, e.remote_id, e.http_status,
                e.error_class, e.error_code, e.error_message, e.estimated_cost_usd, e.actual_cost_usd, e.result_url, e.file_path,
                e.bytes, e.sha256, e.note
            FROM events e LEFT JOIN jobs j ON j.id = e.job_id ORDER BY e.seq;
            CREATE TABLE outputs_keyed (
                job_seq          INTEGER NOT NULL REFERENCES jobs_keyed (seq),
                output_index     INTEGER NOT NULL,
                result_url       TEXT,
                file_path        TEXT,
                bytes            INTEGER,
                sha256           TEXT,
                width            INTEGER,
                height           INTEGER,
                duration_seconds REAL,
                updated_at       INTEGER NOT NULL,
                file_mtime_ns    INTEGER,
                file_inode       INTEGER,
                url_event        INTEGER,
                file_event       INTEGER,
                PRIMARY KEY (job_seq, output_index)
            ) WITHOUT ROWID;
            INSERT INTO outputs_keyed
            SELECT j.seq, o.output_index, o.result_url, o.file_path, o.bytes, o.sha256, o.width, o.height, o.duration_seconds,
                {Ticks("o.updated_at")}, o.file_mtime_ns, o.file_inode, o.url_event, o.file_event
            FROM outputs o LEFT JOIN jobs j ON j.id = o.job_id;
            CREATE TABLE stored_objects_keyed (
                job_id       TEXT NOT NULL REFERENCES jobs_keyed (id),
                output_index INTEGER NOT NULL,
                object_key   TEXT NOT NULL,
                object_url   TEXT NOT NULL,
                bytes        INTEGER NOT NULL,
                sha256       TEXT NOT NULL,
                etag         TEXT,
                stored_at    TEXT NOT NULL,
                PRIMARY KEY (job_id, output_index)
            );
            INSERT INTO stored_objects_keyed SELECT job_id, output_index, object_key, object_url, bytes, sha256, etag, stored_at FROM stored_objects;
            DROP TABLE events;
            DROP TABLE outputs;
            DROP TABLE stored_objects;
            DROP TABLE jobs;
            ALTER TABLE jobs_keyed RENAME TO jobs;
            ALTER TABLE events_keyed RENAME TO events;
            ALTER TABLE outputs_keyed RENAME TO outputs;
            ALTER TABLE stored_objects_keyed RENAME TO stored_objects;
            CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
            {EventLogViewSql("e.remote_id", "e.sha256")}
            """;
    }

    /// <summary>
    /// Schema step <c>compact_values</c> (see <see cref="LedgerBlobs"/>): SHA-256s and UUID-like remote ids are written as
    /// bytes from here on (rows already written keep their text; readers take both); <c>jobs.spare</c> is the room a
    /// new job row reserves for what its later states add (see <see cref="JobRowSpare"/>); the <c>event_log</c> view
    /// shows the bytes as the text they stand for. New job rows name their axes by a shared list in <c>meta</c>
    /// (<see cref="LedgerAxisLists"/>, no schema change). Nothing is rewritten.
    /// </summary>
    public static string CompactValuesSql() => $"""
        ALTER TABLE jobs ADD COLUMN spare BLOB;
        DROP VIEW IF EXISTS event_log;
        {EventLogViewSql(LedgerBlobs.RemoteIdSql("e.remote_id") + " AS remote_id", LedgerBlobs.Sha256Sql("e.sha256") + " AS sha256")}
        """;

    /// <summary>
    /// Bytes a pending job row reserves (a zero blob in <c>spare</c>, dropped by the job's first event) for what its
    /// later states add: a remote id, the submit and completion times, size, cost and video facts, about 50-55 bytes.
    /// Without it, rows inserted side by side at plan time grow in full pages and split them (measured: 14% of the
    /// table's pages left empty on a finished five-provider run); with it, a page's rows grow into the room they freed.
    /// </summary>
    public const int JobRowSpare = 56;

    /// <summary>The <c>event_log</c> view: events with ISO-8601 times, the job's id and the state's name (remote id and SHA-256 as given).</summary>
    private static string EventLogViewSql(string remoteId, string sha256) => $"""
        CREATE VIEW event_log AS
        SELECT e.seq, strftime('%Y-%m-%dT%H:%M:%S', e.time / 10000000, 'unixepoch') || printf('.%07dZ', e.time % 10000000) AS time, j.id AS job_id,
            CASE e.state {string.Join(' ', LedgerValues.StateCodes().Select(s => $"WHEN {s.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)} THEN '{s.Name}'"))} END AS state,
            e.attempt, {remoteId}, e.http_status, e.error_class, e.error_code, e.error_message, e.estimated_cost_usd,
            e.actual_cost_usd, e.result_url, e.file_path, e.bytes, {sha256}, e.note
        FROM events e JOIN jobs j ON j.seq = e.job_seq;
        """;
}
