using BatchGen.Core.Ledger;

namespace BatchGen.Ledger.Postgres;

/// <summary>The SELECT lists of the PostgreSQL ledger, in the order <see cref="LedgerRows"/> reads them.</summary>
internal static class PostgresRows
{
    /// <summary>The job columns plus the job's outputs as one JSON array (what LedgerRows parses).</summary>
    public const string JobColumns = LedgerRows.JobColumns
        + ", (SELECT json_agg(json_build_object('index', o.output_index, 'result_url', o.result_url, 'file_path', o.file_path, "
        + "'bytes', o.bytes, 'sha256', o.sha256, 'width', o.width, 'height', o.height, 'duration_seconds', o.duration_seconds, "
        + "'file_mtime_ns', o.file_mtime_ns, 'file_inode', o.file_inode) ORDER BY o.output_index)::text "
        + "FROM outputs o WHERE o.batch_id = jobs.batch_id AND o.job_id = jobs.id) AS " + LedgerRows.OutputsColumn;
}
