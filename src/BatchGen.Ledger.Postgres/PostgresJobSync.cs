using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// Brings a batch's jobs in line with a manifest, as the SQLite ledger does: ids go to a temp table chunk by chunk
/// (one transaction per chunk, under a per-batch advisory lock so workers syncing together never clash on
/// <c>seq</c>), new jobs are inserted as pending with one event each, and a last statement sets <c>in_manifest</c>.
/// </summary>
internal sealed class PostgresJobSync(NpgsqlConnection connection, long batchId, string time)
{
    private const int ChunkSize = 10_000;

    private int _added;

    private int _existing;

    public async Task<LedgerSyncResult> RunAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DROP TABLE IF EXISTS pg_temp.sync_ids; CREATE TEMP TABLE sync_ids (id TEXT PRIMARY KEY);", cancellationToken).ConfigureAwait(false);
        var chunk = new List<JobSpec>(ChunkSize);
        foreach (var job in jobs)
        {
            chunk.Add(job);
            if (chunk.Count == ChunkSize)
            {
                await WriteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            await WriteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await using var finish = new NpgsqlCommand(
            """
            UPDATE jobs SET in_manifest = m.flag
            FROM (SELECT j.id, CASE WHEN s.id IS NULL THEN 0 ELSE 1 END AS flag
                  FROM jobs j LEFT JOIN pg_temp.sync_ids s ON s.id = j.id WHERE j.batch_id = @batch) m
            WHERE jobs.batch_id = @batch AND jobs.id = m.id AND jobs.in_manifest <> m.flag;
            SELECT COUNT(*) FROM jobs WHERE batch_id = @batch AND in_manifest = 0;
            """,
            connection);
        finish.Parameters.AddWithValue("batch", batchId);
        var lost = Convert.ToInt32(await finish.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        await ExecuteAsync("DROP TABLE IF EXISTS pg_temp.sync_ids;", cancellationToken).ConfigureAwait(false);
        return new LedgerSyncResult(_added, _existing, lost);
    }

    private async Task WriteChunkAsync(List<JobSpec> chunk, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Ids not seen earlier in this sync (a repeated id counts once), in input order.
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        await using (var remember = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({PostgresLedger.LockClass + 1}, @batch::int); "
            + "INSERT INTO pg_temp.sync_ids (id) SELECT DISTINCT unnest(@ids) ON CONFLICT DO NOTHING RETURNING id;",
            connection,
            transaction))
        {
            remember.Parameters.AddWithValue("batch", batchId);
            remember.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = chunk.Select(j => j.Id).ToArray() });
            await using var reader = await remember.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                fresh.Add(reader.GetString(0));
            }
        }

        var ordered = new List<JobSpec>(fresh.Count);
        foreach (var job in chunk)
        {
            if (fresh.Remove(job.Id))
            {
                ordered.Add(job);
            }
        }

        var ids = ordered.Select(j => j.Id).ToArray();
        var specs = ordered.Select(LedgerValues.Spec).ToArray();
        var added = new HashSet<string>(StringComparer.Ordinal);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO jobs (batch_id, id, seq, provider, state, spec_json, updated_at, in_manifest)
            SELECT @batch, t.id, (SELECT COALESCE(MAX(seq), 0) FROM jobs WHERE batch_id = @batch) + t.ord, t.provider, 'pending', t.spec, @time, 1
            FROM unnest(@ids, @providers, @specs) WITH ORDINALITY AS t(id, provider, spec, ord)
            ON CONFLICT (batch_id, id) DO NOTHING
            RETURNING id;
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("batch", batchId);
            insert.Parameters.AddWithValue("time", time);
            insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            insert.Parameters.Add(new NpgsqlParameter("providers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ordered.Select(j => j.Provider).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("specs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = specs });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                added.Add(reader.GetString(0));
            }
        }

        await using (var follow = new NpgsqlCommand(
            """
            INSERT INTO events (batch_id, time, job_id, state, attempt)
            SELECT @batch, @time, t.id, 'pending', 0 FROM unnest(@added) WITH ORDINALITY AS t(id, ord) ORDER BY t.ord;
            UPDATE jobs SET spec_json = t.spec FROM unnest(@ids, @specs) AS t(id, spec)
            WHERE jobs.batch_id = @batch AND jobs.id = t.id AND jobs.spec_json <> t.spec AND NOT (t.id = ANY(@added));
            """,
            connection,
            transaction))
        {
            follow.Parameters.AddWithValue("batch", batchId);
            follow.Parameters.AddWithValue("time", time);
            follow.Parameters.Add(new NpgsqlParameter("added", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.Where(added.Contains).ToArray() });
            follow.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            follow.Parameters.Add(new NpgsqlParameter("specs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = specs });
            await follow.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _added += added.Count;
        _existing += ids.Length - added.Count;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
