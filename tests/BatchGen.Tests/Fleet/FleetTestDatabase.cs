using BatchGen.Fleet.Postgres;
using Npgsql;

namespace BatchGen.Tests.Fleet;

/// <summary>
/// A database of the test cluster with the ledger columns the fleet reads (<c>batches</c>, <c>jobs</c>: batch, id,
/// order, provider, state, in-manifest flag), so claims are tested on real rows without a whole ledger.
/// </summary>
public sealed class FleetTestDatabase : IDisposable
{
    private readonly PostgresDatabase _database = new();
    private long _nextBatch;

    public FleetTestDatabase()
    {
        _database.Cluster.Psql(_database.Name, """
            CREATE SCHEMA IF NOT EXISTS batchgen;
            CREATE TABLE IF NOT EXISTS batchgen.jobs (
                batch_id BIGINT NOT NULL, id TEXT NOT NULL, seq BIGINT NOT NULL, provider TEXT NOT NULL,
                state TEXT NOT NULL, in_manifest BIGINT NOT NULL DEFAULT 1, PRIMARY KEY (batch_id, id));
            """);
    }

    /// <summary>Pooled (the cluster's string turns pooling off): each fleet keeps its own pool, as a worker would.</summary>
    public string ConnectionString => _database.ConnectionString.Replace("Pooling=false", "Pooling=true", StringComparison.Ordinal);

    public long NewBatch() => Interlocked.Increment(ref _nextBatch);

    public async Task AddJobsAsync(long batch, string provider, string state, int count, string prefix = "job")
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < count; i++)
        {
            await using var command = new NpgsqlCommand("INSERT INTO batchgen.jobs (batch_id, id, seq, provider, state) VALUES (@b, @id, (SELECT COALESCE(max(seq), 0) + 1 FROM batchgen.jobs WHERE batch_id = @b), @p, @s);", connection);
            command.Parameters.AddWithValue("b", batch);
            command.Parameters.AddWithValue("id", $"{prefix}{i:D3}");
            command.Parameters.AddWithValue("p", provider);
            command.Parameters.AddWithValue("s", state);
            await command.ExecuteNonQueryAsync();
        }
    }

    public async Task SetStateAsync(long batch, string jobId, string state)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE batchgen.jobs SET state = @s WHERE batch_id = @b AND id = @id;", connection);
        command.Parameters.AddWithValue("b", batch);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("s", state);
        await command.ExecuteNonQueryAsync();
    }

    public string Scalar(string sql) => _database.Cluster.Psql(_database.Name, sql).Trim();

    public Task<PostgresFleet> JoinAsync(long batch, TimeSpan? lease = null, IReadOnlyDictionary<string, ProviderRate>? rates = null, string? worker = null) =>
        PostgresFleet.JoinAsync(ConnectionString, new FleetOptions
        {
            BatchId = batch,
            LeaseTime = lease ?? TimeSpan.FromSeconds(30),
            Rates = rates ?? new Dictionary<string, ProviderRate>(StringComparer.Ordinal),
            WorkerId = worker ?? FleetConstants.NewWorkerId(),
        }, CancellationToken.None);

    public void Dispose() => _database.Dispose();
}
