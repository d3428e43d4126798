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
