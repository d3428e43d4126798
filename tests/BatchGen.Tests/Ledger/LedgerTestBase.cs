using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>A fresh ledger path in a temp directory, a manual clock, and raw SQLite access for ledger tests.</summary>
public abstract class LedgerTestBase : IDisposable
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    internal FakeTimeProvider Time { get; } = new(Start);

    protected string TempPath => _temp.Path;

    protected string LedgerPath => Path.Combine(_temp.Path, "out", "nested", "ledger.db");

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string WriteFile(string relativePath, string content) => _temp.Write(relativePath, content);

    protected Task<SqliteLedger> CreateSut() => SqliteLedger.OpenAsync(LedgerPath, Time, default);

    /// <summary>
    /// Creates <see cref="LedgerPath"/> as the batchgen of schema <paramref name="version"/> left it (every step up to
    /// it applied; before <c>compact_keys</c>: ISO-8601 text times, events naming their job by id), holding
    /// <paramref name="jobs"/> as pending rows (the whole job as JSON, as versions before <c>compact_rows</c> wrote it),
    /// each with its pending event. Tests then shape the rows with raw SQL in that layout.
    /// </summary>
    protected void CreateOlderLedger(int version, params JobSpec[] jobs)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        connection.Open();
        LedgerSchema.Create(connection, Start, version);
        var options = new System.Text.Json.JsonSerializerOptions
        {
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
        var seq = 0;
        foreach (var job in jobs)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO jobs (id, seq, provider, state, spec_json, updated_at, in_manifest) VALUES ($id, $seq, $provider, 'pending', $spec, $time, 1);
                INSERT INTO events (time, job_id, state, attempt, note) VALUES ($time, $id, 'pending', 0, 'added from the manifest');
                """;
            command.Parameters.AddWithValue("$id", job.Id);
            command.Parameters.AddWithValue("$seq", ++seq);
            command.Parameters.AddWithValue("$provider", job.Provider);
            command.Parameters.AddWithValue("$spec", System.Text.Json.JsonSerializer.Serialize(job, options));
            command.Parameters.AddWithValue("$time", LedgerValues.Time(Start));
            command.ExecuteNonQuery();
        }
    }

    protected void ExecuteRaw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected string? QueryRaw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
