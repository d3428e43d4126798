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
}
