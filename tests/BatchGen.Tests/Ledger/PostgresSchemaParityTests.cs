using BatchGen.Core.Ledger;
using BatchGen.Ledger.Postgres;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// Every table and column of the SQLite ledger (all its migrations applied) exists in the PostgreSQL ledger's schema:
/// a SQLite migration that adds one fails here until PostgresSchema gains a step for it.
/// </summary>
public sealed class PostgresSchemaParityTests(PostgresDatabase database) : LedgerTestBase, IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Schema_EverySqliteTableAndColumn_ExistsInPostgres()
    {
        await using (var sqlite = await SqliteLedger.OpenAsync(LedgerPath, Time, default))
        {
            (await sqlite.CountAsync(default)).IsEmpty.ShouldBeTrue();
        }

        await using (await PostgresLedger.OpenAsync(PostgresAddress.Parse(database.ConnectionString), new PostgresBatch("parity"), Time, default))
        {
        }

        var sqliteColumns = SqliteColumns();
        var postgresColumns = database.Cluster.Psql(database.Name, "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'batchgen';")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);

        sqliteColumns.Count.ShouldBeGreaterThan(60, "the SQLite ledger's tables were read");
        // Schema step compact_keys: SQLite's events and outputs name their job by its seq, PostgreSQL's by its id (the
        // same fact; PostgreSQL keys every row by batch and job id).
        foreach (var table in new[] { "events", "outputs" })
        {
            sqliteColumns.Remove(table + ".job_seq").ShouldBeTrue();
            sqliteColumns.Add(table + ".job_id");
        }

        // Schema step compact_values: jobs.spare is room a new SQLite row reserves in its page (always null once the job
        // has an event), not a fact of the batch.
        sqliteColumns.Remove("jobs.spare").ShouldBeTrue();
        sqliteColumns.Where(c => !postgresColumns.Contains(c)).ShouldBeEmpty("columns of the SQLite ledger missing from the PostgreSQL schema (add a step to PostgresSchema)");
    }

    [Fact]
    public async Task OpenAsync_DatabaseSchemaNewerThanTheBinary_IsRefused()
    {
        var name = database.Cluster.CreateDatabase("newer");
        try
        {
            var address = PostgresAddress.Parse(database.Cluster.ConnectionString(name));
            await using (await PostgresLedger.OpenAsync(address, new PostgresBatch("b"), Time, default))
            {
            }

            database.Cluster.Psql(name, "UPDATE batchgen.schema_version SET version = version + 1;");

            var ex = await Should.ThrowAsync<LedgerException>(PostgresLedger.OpenAsync(address, new PostgresBatch("b"), Time, default));
            ex.Message.ShouldContain($"ledger schema version {PostgresSchema.Version + 1} is newer than this batchgen supports ({PostgresSchema.Version}) (upgrade batchgen)");
            await Should.ThrowAsync<LedgerException>(PostgresLedger.OpenReadOnlyAsync(address, new PostgresBatch("b"), Time, default));
        }
        finally
        {
            database.Cluster.DropDatabase(name);
        }
    }

    [Fact]
    public async Task OpenAsync_ManyOpenersAtOnce_MigrateOnceAndAllSucceed()
    {
        var name = database.Cluster.CreateDatabase("race");
        try
        {
            var address = PostgresAddress.Parse(database.Cluster.ConnectionString(name));
            var ledgers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => PostgresLedger.OpenAsync(address, new PostgresBatch("b", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Time, default))));
            foreach (var ledger in ledgers)
            {
                await ledger.DisposeAsync();
            }

            database.Cluster.Psql(name, "SELECT COUNT(*) FROM batchgen.migrations;").Trim().ShouldBe(PostgresSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            database.Cluster.Psql(name, "SELECT COUNT(*) FROM batchgen.batches;").Trim().ShouldBe("6");
        }
        finally
        {
            database.Cluster.DropDatabase(name);
        }
    }

    [Fact]
    public async Task OpenAsync_ServerUnreachable_OneLineNamingHostAndPortWithoutPassword()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var address = PostgresAddress.Parse($"postgres://batchgen:s3cret-pw@127.0.0.1:{port}/ledger?connect_timeout=5");

        var ex = await Should.ThrowAsync<LedgerException>(PostgresLedger.OpenAsync(address, new PostgresBatch("b"), Time, default));

        ex.Message.ShouldStartWith($"postgres://batchgen@127.0.0.1:{port}/ledger batch 'b': PostgreSQL at 127.0.0.1:{port} is unreachable: ");
        ex.Message.ShouldNotContain("s3cret-pw");
        ex.Message.ShouldNotContain('\n');
        ex.Failure.ShouldBe(LedgerFailure.Storage);
    }

    private HashSet<string> SqliteColumns()
    {
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%';";
        using var reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}
