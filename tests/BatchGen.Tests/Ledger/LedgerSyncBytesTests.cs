using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Tests.Reports;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// What a sync stores is pinned: every row of every table and the file's bytes (SHA-256 with SQLite's version stamp
/// masked) after a sync into a new ledger, then after a second sync that loses, gains and changes jobs, compared with
/// the files under <c>Approved/</c> (written by the sync as it was before its start-up CPU was cut).
/// </summary>
public sealed class LedgerSyncBytesTests : LedgerTestBase
{
    private const string Csv = """"
        provider,image_url,prompt,resolution,duration
        aimlapi,https://example.com/bench/1.png,bench shot 1: a lighthouse at dawn,360p,5
        aimlapi,https://example.com/bench/2.png,"bench shot 2, quoted ""ünïcödé""",540p,8
        magnific,https://example.com/bench/3.png,bench shot 3,720p,5
        """";

    /// <summary>A grid (zip, matrix, include; a variable among the axes) with its own output paths: manifests/quickstart.yaml.</summary>
    private const string Grid = """
        version: 1
        name: quickstart
        defaults:
          duration: 5
          aspect_ratio: 16:9
          prompt: "{subject}, slow cinematic push-in, soft morning light"
          negative_prompt: blurry, low quality
        zip:
          - image_url:
              - https://example.com/images/cat.png
              - https://example.com/images/city.png
              - https://example.com/images/forest.png
            subject:
              - a ginger cat stretching on a windowsill
              - a rainy city street at dusk, neon reflections
              - a misty pine forest, sunbeams through the trees
        matrix:
          provider: [magnific, gmicloud, segmind]
          resolution: [540p, 720p]
          seed: [7, 42]
        include:
          - provider: magnific
            style: anime
            camera_movement: zoom_in
          - provider: gmicloud
            style: clay
          - provider: segmind
            motion_mode: normal
        output:
          filename: "{provider}/{resolution}/{job_id}.mp4"
        """;

    [Fact]
    public async Task SyncJobsAsync_NewLedgerThenChangedManifest_StoresTheApprovedRowsAndBytes()
    {
        var quickstart = ManifestJobs("quickstart.yaml", Grid);
        var csv = ManifestJobs("bench.csv", Csv);
        var own = Enumerable.Range(0, 6).Select(i => LedgerTestJobs.Create(i, full: i % 2 == 0)).ToList();
        // The first sync: every kind of job, one of them twice.
        List<JobSpec> first = [.. quickstart, .. csv, .. own, own[1]];
        // The second: some lost, one gained, one with a changed spec.
        var changed = LedgerTestJobs.Create(3);
        changed = changed with { Parameters = changed.Parameters with { Prompt = "a changed prompt" } };
        List<JobSpec> second = [.. quickstart.Skip(4), .. csv, own[0], changed, LedgerTestJobs.Create(40, full: true)];

        await using (var ledger = await CreateSut())
        {
            (await ledger.SyncJobsAsync(first, default)).ShouldBe(new LedgerSyncResult(first.Count - 1, 0, 0));
        }

        Approvals.Verify("ledger-sync-new", Dump());

        await using (var ledger = await CreateSut())
        {
            (await ledger.SyncedAlreadyAsync(first, default)).ShouldNotBeNull("the same jobs again: nothing to write");
            (await ledger.SyncedAlreadyAsync(second, default)).ShouldBeNull();
            (await ledger.SyncJobsAsync(second, default)).ShouldBe(new LedgerSyncResult(1, second.Count - 1, first.Count - 1 - (second.Count - 1)));
            (await ledger.SyncedAlreadyAsync(second, default)).ShouldNotBeNull();
        }

        Approvals.Verify("ledger-sync-changed", Dump());
    }

    private IReadOnlyList<JobSpec> ManifestJobs(string name, string text)
    {
        var result = ManifestLoader.Load(WriteFile(name, text), new ManifestLoadOptions { BatchStartUtc = Start });
        result.Errors.ShouldBeEmpty();
        return [.. result.Manifest!.Jobs()];
    }

    /// <summary>Every table's rows in rowid order, then the file's page count and bytes.</summary>
    private string Dump()
    {
        File.Exists(LedgerPath + "-wal").ShouldBeFalse("the ledger closes checkpointed: its file holds everything");
        var text = new StringBuilder();
        string ledgerId;
        using (var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False;Mode=ReadOnly"))
        {
            connection.Open();
            var tables = new List<(string Name, bool RowId)>();
            using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name, sql NOT LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' ORDER BY name;";
                using var reader = list.ExecuteReader();
                while (reader.Read())
                {
                    tables.Add((reader.GetString(0), reader.GetBoolean(1)));
                }
            }

            using (var query = connection.CreateCommand())
            {
                query.CommandText = "SELECT value FROM meta WHERE key = 'ledger_id';";
                ledgerId = (string)query.ExecuteScalar()!;
            }

            foreach (var (name, rowId) in tables)
            {
                text.Append("== ").Append(name).Append('\n');
                using var rows = connection.CreateCommand();
                rows.CommandText = $"SELECT * FROM \"{name}\" ORDER BY {(rowId ? "rowid" : "1, 2")};";
                using var reader = rows.ExecuteReader();
                while (reader.Read())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        text.Append(i == 0 ? string.Empty : " | ").Append(Value(reader.GetValue(i)));
                    }

                    text.Append('\n');
                }
            }

            using var pages = connection.CreateCommand();
            pages.CommandText = "SELECT page_count, freelist_count FROM pragma_page_count, pragma_freelist_count;";
            using (var reader = pages.ExecuteReader())
            {
                reader.Read();
                text.Append(CultureInfo.InvariantCulture, $"== file: {reader.GetInt64(0)} pages, {reader.GetInt64(1)} free\n");
            }
        }

        // Bytes 92-99 of the header are the SQLite library's version stamp, not the ledger's content; the ledger's id is
        // drawn at random when it is created.
        var bytes = File.ReadAllBytes(LedgerPath);
        Array.Clear(bytes, 92, 8);
        var id = Encoding.ASCII.GetBytes(ledgerId);
        for (var at = bytes.AsSpan().IndexOf(id); at >= 0; at = bytes.AsSpan().IndexOf(id))
        {
            bytes.AsSpan(at, id.Length).Fill((byte)'0');
        }

        text.Replace(ledgerId, "(random ledger id)");
        text.Append("== sha256 ").Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append('\n');
        return text.ToString();
    }

    private static string Value(object value) => value switch
    {
        DBNull => "NULL",
        byte[] blob => "x'" + Convert.ToHexStringLower(blob) + "'",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
