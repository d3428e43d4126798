using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Ledger;

/// <summary>
/// <c>batchgen ledger copy</c> with the real CLI: a batch run into SQLite, copied to PostgreSQL and back, gives
/// byte-identical reports; a non-empty target is refused (exit 2) unless --force.
/// </summary>
public sealed class LedgerCopyTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private static readonly string[] Reports = ["results.csv", "cost-report.md", "cost-report.csv", "ab-comparison.csv", "summary.json"];

    [Fact]
    public async Task Copy_SqliteToPostgresToSqlite_ReportsIdentical()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "copyme", 8);
        var original = Path.Combine(dir.Path, "a", "out");
        var run = await CliProcess.RunAsync(dir.Path, null, ["run", manifest, "--simulate", "--progress", "none", "--out", original]);
        run.ExitCode.ShouldBe(0, run.StdErr);
        var export = await CliProcess.RunAsync(dir.Path, null, ["export", Path.Combine(original, "ledger.db"), "--format", "jsonl"]);
        var ids = export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!).ToList();
        var votes = dir.Write("votes.csv", $"left_job_id,right_job_id,winner,rater\n{ids[0]},{ids[1]},left,ann\n{ids[2]},{ids[3]},tie,bob\n");
        var imported = await CliProcess.RunAsync(dir.Path, null, ["votes", "import", votes, Path.Combine(original, "ledger.db")]);
        imported.ExitCode.ShouldBe(0, imported.StdErr);

        var toPg = await CliProcess.RunAsync(dir.Path, null, ["ledger", "copy", Path.Combine(original, "ledger.db"), database.Url]);
        output.WriteLine(toPg.StdOut + toPg.StdErr);
        toPg.ExitCode.ShouldBe(0, toPg.StdErr);
        toPg.StdOut.ShouldContain("copied 8 jobs, ");
        toPg.StdOut.ShouldContain(", 2 votes, ");
        toPg.StdOut.ShouldContain("(counts verified)");
        toPg.StdOut.ShouldNotContain(database.Cluster.Password);
        // Schema step compact_values: the SQLite ledger holds UUID-like remote ids and SHA-256s as bytes, PostgreSQL the text
        // (results.csv, compared below, shows both as text).
        (await SqliteCountAsync(Path.Combine(original, "ledger.db"), "SELECT COUNT(*) FROM jobs WHERE typeof(remote_id) = 'blob';")).ShouldBeGreaterThan(0);
        (await SqliteCountAsync(Path.Combine(original, "ledger.db"), "SELECT COUNT(*) FROM events WHERE typeof(sha256) = 'blob';")).ShouldBe(8);
        database.Cluster.Psql(database.Name, "SELECT COUNT(*) FROM batchgen.jobs WHERE remote_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AND sha256 ~ '^[0-9a-f]{64}$';")
            .Trim().ShouldNotBe("0");

        var back = Path.Combine(dir.Path, "b", "out");
        Directory.CreateDirectory(back);
        var toSqlite = await CliProcess.RunAsync(dir.Path, null, ["ledger", "copy", database.Url, Path.Combine(back, "ledger.db"), "--name", "copyme"]);
        toSqlite.ExitCode.ShouldBe(0, toSqlite.StdErr);

        foreach (var videoDir in Directory.EnumerateDirectories(original))
        {
            CopyDirectory(videoDir, Path.Combine(back, Path.GetFileName(videoDir)));
        }

        var first = await CliProcess.RunAsync(dir.Path, null, ["report", Path.Combine(original, "ledger.db"), "--out", Path.Combine(dir.Path, "r1")]);
        var second = await CliProcess.RunAsync(dir.Path, null, ["report", Path.Combine(back, "ledger.db"), "--out", Path.Combine(dir.Path, "r2")]);
        var fromPg = await CliProcess.RunAsync(dir.Path, null, ["report", manifest, "--ledger", database.Url, "--out", Path.Combine(dir.Path, "r3")]);
        first.ExitCode.ShouldBe(0, first.StdErr);
        second.ExitCode.ShouldBe(0, second.StdErr);
        fromPg.ExitCode.ShouldBe(0, fromPg.StdErr);
        foreach (var file in Reports)
        {
            var expected = await File.ReadAllTextAsync(Path.Combine(dir.Path, "r1", file));
            (await File.ReadAllTextAsync(Path.Combine(dir.Path, "r2", file))).ShouldBe(expected, $"{file} after SQLite -> PostgreSQL -> SQLite");
        }

        var pgVotes = await CliProcess.RunAsync(dir.Path, null, ["votes", "export", "copyme", "--ledger", database.Url]);
        var sqliteVotes = await CliProcess.RunAsync(dir.Path, null, ["votes", "export", Path.Combine(back, "ledger.db")]);
        pgVotes.ExitCode.ShouldBe(0, pgVotes.StdErr);
        pgVotes.StdOut.ShouldContain($"{ids[0]},{ids[1]},left,ann");
        sqliteVotes.StdOut.ShouldBe(pgVotes.StdOut);
        (await File.ReadAllTextAsync(Path.Combine(dir.Path, "r3", "results.csv"))).ShouldBe(await File.ReadAllTextAsync(Path.Combine(dir.Path, "r1", "results.csv")), "results.csv read from PostgreSQL");

        var again = await CliProcess.RunAsync(dir.Path, null, ["ledger", "copy", Path.Combine(original, "ledger.db"), database.Url]);
        again.ExitCode.ShouldBe(2);
        again.StdErr.ShouldContain("the target batch is not empty (8 jobs, ");
        again.StdErr.ShouldContain("pass --force");
        var forced = await CliProcess.RunAsync(dir.Path, null, ["ledger", "copy", Path.Combine(original, "ledger.db"), database.Url, "--force"]);
        forced.ExitCode.ShouldBe(0, forced.StdErr);
        forced.StdOut.ShouldContain("copied 8 jobs, ");
    }

    private static async Task<long> SqliteCountAsync(string path, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
