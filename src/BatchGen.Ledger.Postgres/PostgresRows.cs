using BatchGen.Core.Ledger;

namespace BatchGen.Ledger.Postgres;

/// <summary>The SELECT lists of the PostgreSQL ledger, in the order <see cref="LedgerRows"/> reads them.</summary>
internal static class PostgresRows
{
    /// <summary>The job columns plus the job's outputs as one JSON array (what LedgerRows parses).</summary>
    public const string JobColumns = LedgerRows.JobColumns
        + ", (SELECT json_agg(json_build_object('index', o.output_index, 'result_url', o.result_url, 'file_path', o.file_path, "
        + "'bytes', o.bytes, 'sha256', o.sha256, 'width', o.width, 'height', o.height, 'duration_seconds', o.duration_seconds, "
        + "'file_mtime_ns', o.file_mtime_ns, 'file_inode', o.file_inode, "
        + "'object_key', s.object_key, 'object_url', s.object_url, 'stored_at', s.stored_at, 'object_sha256', s.sha256) ORDER BY o.output_index)::text "
        + "FROM outputs o LEFT JOIN stored_objects s ON s.batch_id = o.batch_id AND s.job_id = o.job_id AND s.output_index = o.output_index "
        + "WHERE o.batch_id = jobs.batch_id AND o.job_id = jobs.id) AS " + LedgerRows.OutputsColumn;
}
