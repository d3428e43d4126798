using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Ledger;

/// <summary>
/// <c>batchgen ledger copy</c> with the real CLI: a batch run into SQLite, copied to PostgreSQL and back, gives
/// byte-identical reports and the same uploads and webhook deliveries; a non-empty target is refused (exit 2) unless --force.
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
        var (uploads, webhooks) = await RecordUploadsAndWebhooksAsync(Path.Combine(original, "ledger.db"), ids[0]);

        var toPg = await CliProcess.RunAsync(dir.Path, null, ["ledger", "copy", Path.Combine(original, "ledger.db"), database.Url]);
        output.WriteLine(toPg.StdOut + toPg.StdErr);
        toPg.ExitCode.ShouldBe(0, toPg.StdErr);
        toPg.StdOut.ShouldContain("copied 8 jobs, ");
        toPg.StdOut.ShouldContain(", 2 votes, ");
        toPg.StdOut.ShouldContain(", 3 uploads, 2 webhook deliveries from ");
        database.Cluster.Psql(database.Name, "SELECT string_agg(concat_ws('|', time, sha256, provider, url, bytes, COALESCE(expires_at, '-'), pending), ';' ORDER BY seq) FROM batchgen.uploads;")
            .Trim().ShouldBe(string.Join(';', uploads.Select(u => string.Join('|', LedgerValues.Time(u.Time), u.Sha256, u.Provider, u.Url, u.Bytes, u.ExpiresAt is { } at ? LedgerValues.Time(at) : "-", u.Pending ? 1 : 0))));
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
        toSqlite.StdOut.ShouldContain(", 3 uploads, 2 webhook deliveries from ");
        await using (var copied = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(back, "ledger.db"), TimeProvider.System, CancellationToken.None))
        {
            (await copied.ReadUploadsAsync(CancellationToken.None).ToListAsync()).ShouldBe(uploads, "uploads after SQLite -> PostgreSQL -> SQLite");
            (await copied.ReadWebhooksAsync(CancellationToken.None).ToListAsync()).ShouldBe(webhooks, "webhook deliveries after SQLite -> PostgreSQL -> SQLite");
        }

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
        forced.StdOut.ShouldContain(", 3 uploads, 2 webhook deliveries from ");
        database.Cluster.Psql(database.Name, "SELECT COUNT(*) FROM batchgen.webhook_deliveries;").Trim().ShouldBe("2", "--force replaced the deliveries, not added to them");
    }

    /// <summary>Records uploads (one pending, one with an end, one to the image store) and webhook deliveries in a SQLite ledger; returns them as read back.</summary>
    private static async Task<(List<UploadRecord> Uploads, List<RecordedWebhook> Webhooks)> RecordUploadsAndWebhooksAsync(string path, string jobId)
    {
        await using var ledger = await SqliteLedger.OpenAsync(path, TimeProvider.System, CancellationToken.None);
        await ledger.RecordUploadAsync(new UploadRecord(new string('a', 64), "pixwith", "https://pre.example.com/a.png?sig=x", 1234, new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)) { Pending = true }, CancellationToken.None);
        await ledger.RecordUploadAsync(new UploadRecord(new string('a', 64), "pixwith", "https://pre.example.com/a.png?sig=x", 1234, new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)), CancellationToken.None);
        await ledger.RecordUploadAsync(new UploadRecord(new string('b', 64), "image_store", "s3://bucket/inputs/b.png", 99, null), CancellationToken.None);
        await ledger.RecordWebhookAsync("magnific", "task-1", "COMPLETED", jobId, CancellationToken.None);
        await ledger.RecordWebhookAsync("segmind", "task-2", "FAILED", null, CancellationToken.None);
        return (await ledger.ReadUploadsAsync(CancellationToken.None).ToListAsync(), await ledger.ReadWebhooksAsync(CancellationToken.None).ToListAsync());
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
