using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Brings an older ledger up to <see cref="LedgerSchema.Version"/> when it is opened for writing. Each step is
/// additive (new tables or columns, never a rewrite of what was recorded) and runs in one transaction with the
/// <c>user_version</c> bump, so a crash leaves either the old schema or the new one. A newer schema is refused by
/// <see cref="LedgerSchema.Inspect"/> before this runs; read-only opens never migrate (readers cope with version 1).
/// </summary>
internal static class LedgerMigrations
{
    /// <summary>Version 2: one row per output file of a job (Pixwith <c>num_outputs</c> gives up to four).</summary>
    public const string OutputsTableSql = """
        CREATE TABLE outputs (
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
        INSERT INTO outputs (job_id, output_index, result_url, file_path, bytes, sha256, updated_at)
        SELECT id, 1, result_url,
               CASE WHEN state = 'succeeded' THEN file_path END,
               CASE WHEN state = 'succeeded' THEN bytes END,
               CASE WHEN state = 'succeeded' THEN sha256 END,
               updated_at
        FROM jobs
        WHERE result_url IS NOT NULL OR (state = 'succeeded' AND file_path IS NOT NULL);
        WITH RECURSIVE n(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM n WHERE k < 4)
        INSERT INTO outputs (job_id, output_index, updated_at)
        SELECT jobs.id, n.k, jobs.updated_at
        FROM jobs JOIN n ON n.k <= COALESCE(json_extract(jobs.spec_json, '$.parameters.num_outputs'), 1)
        WHERE jobs.state IN ('generated', 'succeeded');
        """;

    private static readonly (int Version, string Sql)[] Steps =
    [
        (2, OutputsTableSql + BackfillSql),
    ];

    /// <summary>Applies every step above the file's version, each in its own transaction.</summary>
    public static void Apply(SqliteConnection connection)
    {
        var current = LedgerSchema.UserVersion(connection);
        foreach (var (version, sql) in Steps)
        {
            if (version <= current)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql
                + string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version};")
                + "INSERT INTO meta (key, value) VALUES ('schema_version', $version) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
            command.Parameters.AddWithValue("$version", version.ToString(CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
            transaction.Commit();
            current = version;
        }
    }
}
