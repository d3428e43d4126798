using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using FsCheck.Xunit;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// Schema step <c>compact_values</c>: SHA-256s and UUID-like remote ids stored as bytes only when the bytes give the
/// exact text back, every reader giving the text; room reserved in a new job row; and an older ledger migrated in place
/// with its text rows read as before beside new byte rows.
/// </summary>
public sealed class LedgerCompactValuesTests : LedgerTestBase
{
    private const string Sha = "2244e76d187a131d196f77c94b7753ea31ca093c35bc7625de16ac812c148252";

    [Theory]
    [InlineData("8bcf4582-5db3-462f-bc70-4285d7e3b6d8", 16)]
    [InlineData("8BCF4582-5DB3-462F-BC70-4285D7E3B6D8", 17)]
    [InlineData("05f2835369658ab9581ac175d47d06fb", 17)]
    [InlineData("05F2835369658AB9581AC175D47D06FB", 17)]
    [InlineData("12345678-1234-1234-1234-123456789012", 16)]
    public void RemoteId_UuidOrHexOfOneCase_StoredAsBytes_TextComesBackExactly(string id, int length)
    {
        var stored = LedgerBlobs.RemoteId(id).ShouldBeOfType<byte[]>();

        stored.Length.ShouldBe(length);
        LedgerBlobs.RemoteIdText(stored).ShouldBe(id);
    }

    [Theory]
    [InlineData("8bcf4582-5db3-462f-BC70-4285d7e3b6d8")] // mixed case: bytes could not say which letters were capitals
    [InlineData("8bcf45825-db3-462f-bc70-4285d7e3b6d8")] // dashes elsewhere
    [InlineData("8bcf4582-5db3-462f-bc70-4285d7e3b6dg")] // not hex
    [InlineData("68l9YIw3cw5zD61IM1D3B")] // AI/ML API's ids
    [InlineData("05f2835369658ab9581ac175d47d06f")] // 31 digits
    [InlineData("")]
    public void RemoteId_AnythingElse_StaysText(string id) => LedgerBlobs.RemoteId(id).ShouldBe(id);

    [Fact]
    public void Sha256_LowercaseHexOnly_StoredAsItsBytes()
    {
        LedgerBlobs.Sha256(Sha).ShouldBeOfType<byte[]>().ShouldBe(Convert.FromHexString(Sha));
        LedgerBlobs.Sha256(Sha.ToUpperInvariant()).ShouldBe(Sha.ToUpperInvariant(), "uppercase text would not come back from lowercase hex");
        LedgerBlobs.Sha256(Sha[..62]).ShouldBe(Sha[..62]);
        LedgerBlobs.Sha256(null).ShouldBeNull();
    }

    [Property]
    public bool RemoteId_AnyGuidInAnyOfItsFormsAndCases_RoundTrips(Guid guid, bool upper, bool dashed)
    {
        var text = guid.ToString(dashed ? "D" : "N", CultureInfo.InvariantCulture);
        text = upper ? text.ToUpperInvariant() : text;
        return LedgerBlobs.RemoteId(text) is byte[] bytes && LedgerBlobs.RemoteIdText(bytes) == text;
    }

    [Fact]
    public async Task Append_UuidRemoteIdAndSha256_StoredAsBytes_EveryReaderGivesTheText()
    {
        var job = LedgerTestJobs.Create(1);
        const string remote = "8bcf4582-5db3-462f-bc70-4285d7e3b6d8";
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
            await RunToSuccessAsync(ledger, job.Id, remote, "https://cdn/1");
        }

        QueryRaw("SELECT typeof(remote_id) || length(remote_id) FROM jobs;").ShouldBe("blob16");
        QueryRaw("SELECT group_concat(typeof(remote_id) || length(remote_id), ',') FROM events WHERE remote_id IS NOT NULL;").ShouldBe("blob16,blob16");
        QueryRaw("SELECT typeof(sha256) || length(sha256) FROM events WHERE sha256 IS NOT NULL;").ShouldBe("blob32");
        QueryRaw("SELECT group_concat(remote_id, ',') || '|' || group_concat(sha256, ',') FROM event_log;").ShouldBe($"{remote},{remote}|{Sha}", "the view shows the text");

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var read = (await reader.GetJobAsync(job.Id, default))!;
        (read.RemoteId, read.Sha256, read.ResultUrl, read.FilePath).ShouldBe((remote, Sha, "https://cdn/1", "a.mp4"));
        read.Outputs.ShouldHaveSingleItem().Sha256.ShouldBe(Sha);
        (await ToListAsync(reader.ReadJobSummariesAsync(default))).ShouldHaveSingleItem().RemoteId.ShouldBe(remote);
        var events = await ToListAsync(reader.ReadEventsAsync(job.Id, default));
        events.Select(e => e.RemoteId).ShouldBe([null, null, remote, remote, null]);
        events[^1].Sha256.ShouldBe(Sha);
        (await ToListAsync(reader.ReadSavedJobsAsync(job.Provider, default))).ShouldHaveSingleItem().Outputs.ShouldHaveSingleItem().HasSha256.ShouldBeTrue();
    }

    [Fact]
    public async Task Sync_NewJobRowReservesRoom_TheFirstEventGivesItBack()
    {
        var jobs = LedgerTestJobs.Range(0, 3).ToList();
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync(jobs, default);

        QueryRaw("SELECT group_concat(length(spare), ',') FROM jobs;").ShouldBe(string.Join(',', Enumerable.Repeat(LedgerMigrations.JobRowSpare, 3)));
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[1].Id, State = JobState.Submitting, Attempt = 1 }, default);

        QueryRaw("SELECT group_concat(COALESCE(length(spare), 0), ',') FROM (SELECT spare FROM jobs ORDER BY seq);").ShouldBe($"{LedgerMigrations.JobRowSpare},0,{LedgerMigrations.JobRowSpare}");
    }

    [Fact]
    public async Task Run_ManyJobsToSuccess_JobPagesAreNotSplitByRowsGrowing()
    {
        // Rows inserted side by side at plan time, then each given a remote id, times, size and video facts: without the
        // room reserved (and with the URL held for a moment), pages split and about a sixth of the table was left empty.
        var jobs = LedgerTestJobs.Range(0, 300).ToList();
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(jobs, default);
            await Task.WhenAll(jobs.Select((j, i) => RunToSuccessAsync(ledger, j.Id, Guid.NewGuid().ToString(), $"https://cdn.example.com/files/{i}/{new string('x', 100)}.mp4")));
        }

        // The same rows packed into full pages (VACUUM INTO writes each table in key order): a table whose pages split
        // takes about a sixth more pages than that (5 or more here), one that did not at most the packed count plus the
        // id index's slack from its random insertion order.
        var packed = Path.Combine(TempPath, "packed.db");
        ExecuteRaw($"VACUUM INTO '{packed}';");
        var pages = long.Parse(QueryRaw("SELECT CAST(page_count AS TEXT) FROM pragma_page_count;")!, CultureInfo.InvariantCulture);
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={packed};Pooling=False");
        await copy.OpenAsync();
        await using var count = copy.CreateCommand();
        count.CommandText = "PRAGMA page_count;";
        var packedPages = (long)(await count.ExecuteScalarAsync())!;
        pages.ShouldBeLessThanOrEqualTo(packedPages + 2, $"the ledger's {pages} pages against {packedPages} packed");
    }

    [Fact]
    public async Task OpenAsync_LedgerFromBeforeCompactValues_MigratesInPlace_OldTextAndNewBytesReadAlike()
    {
        var old = LedgerTestJobs.Create(1);
        var fresh = LedgerTestJobs.Create(2);
        const string oldRemote = "aaaaaaaa-5db3-462f-bc70-4285d7e3b6d8";
        const string newRemote = "bbbbbbbb-5db3-462f-bc70-4285d7e3b6d8";
        CreateKeyedLedger(LedgerSchema.VersionAfter("compact_keys"), old, fresh);
        // As the compact_keys binary left it: text remote id and SHA-256 in its rows.
        ExecuteRaw($"""
            INSERT INTO events (time, job_seq, state, attempt, remote_id, http_status) VALUES (17952480010000000, 1, 2, 1, '{oldRemote}', 200);
            INSERT INTO events (time, job_seq, state, attempt, remote_id, result_url) VALUES (17952480020000000, 1, 4, 0, '{oldRemote}', 'https://cdn/old');
            INSERT INTO events (time, job_seq, state, attempt, file_path, bytes, sha256) VALUES (17952480030000000, 1, 5, 0, 'a.mp4', 10, '{Sha}');
            UPDATE jobs SET state = 'succeeded', attempts = 1, remote_id = '{oldRemote}', result_url = '', file_path = '', bytes = 10, sha256 = '',
                submitted_at = 17952480010000000, completed_at = 17952480020000000, updated_at = 17952480030000000 WHERE seq = 1;
            INSERT INTO outputs (job_seq, output_index, bytes, updated_at, url_event, file_event) VALUES (1, 1, 10, 17952480030000000, 4, 5);
            """);

        string before;
        await using (var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        {
            before = JsonSerializer.Serialize(await ToListAsync(reader.ReadJobsAsync(default)));
            (await reader.GetJobAsync(old.Id, default))!.Sha256.ShouldBe(Sha, "a reader of the older file reads it as it is");
        }

        await using (var ledger = await CreateSut())
        {
            JsonSerializer.Serialize(await ToListAsync(ledger.ReadJobsAsync(default))).ShouldBe(before, "the step rewrites no row");
            (await ledger.GetMetaAsync("migrated:compact_values", default)).ShouldNotBeNull();
            await RunToSuccessAsync(ledger, fresh.Id, newRemote, "https://cdn/new");
            var jobs = await ToListAsync(ledger.ReadJobsAsync(default));
            jobs.Select(j => (j.RemoteId, j.Sha256, j.ResultUrl)).ShouldBe([(oldRemote, Sha, "https://cdn/old"), (newRemote, Sha, "https://cdn/new")]);
            (await ToListAsync(ledger.ReadEventsAsync(null, default))).Where(e => e.RemoteId is not null).Select(e => e.RemoteId).Distinct().ShouldBe([oldRemote, newRemote]);
        }

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(LedgerSchema.Version.ToString(CultureInfo.InvariantCulture));
        QueryRaw("SELECT group_concat(typeof(remote_id), ',') FROM (SELECT remote_id FROM jobs ORDER BY seq);").ShouldBe("text,blob");
        QueryRaw("SELECT group_concat(remote_id, ',') FROM (SELECT remote_id FROM event_log WHERE remote_id IS NOT NULL ORDER BY seq);")
            .ShouldBe($"{oldRemote},{oldRemote},{newRemote},{newRemote}");
    }

    [Fact]
    public async Task Sync_AxesThatAreTheJobsOwnFields_StoredAsASharedList_ReadBackWhole()
    {
        var a = WithAxes(1, "provider", "prompt");
        var b = WithAxes(2, "provider", "prompt");
        var c = WithAxes(3, "provider", "duration");
        var d = LedgerTestJobs.Create(4); // axes with values of their own: written out in the row
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([a, b, c, d], default);
            (await ledger.SyncedAlreadyAsync([a, b, c, d], default)).ShouldNotBeNull("the manifest's key is the same whatever the row holds");
        }

        QueryRaw("SELECT group_concat(json_extract(spec_json, '$.axes'), '|') FROM (SELECT spec_json FROM jobs ORDER BY seq);")
            .ShouldBe("1|1|2|[[\"prompt\",\"p4\"],[\"style\",\"anime\"]]");
        QueryRaw("SELECT group_concat(key || '=' || value, '|') FROM (SELECT key, value FROM meta WHERE key LIKE 'axes_list:%' ORDER BY key);")
            .ShouldBe("axes_list:1=[\"provider\",\"prompt\"]|axes_list:2=[\"provider\",\"duration\"]");
        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var read = await ToListAsync(reader.ReadJobsAsync(default));
        read.Select(j => JsonSerializer.Serialize(j.Spec)).ShouldBe(new[] { a, b, c, d }.Select(j => JsonSerializer.Serialize(j)));
    }

    [Fact]
    public async Task Read_ListAddedAfterTheReaderLoadedItsLists_IsReadFromTheFile()
    {
        var first = WithAxes(1, "provider", "prompt");
        var later = WithAxes(2, "prompt", "duration");
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([first], default);
        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        (await reader.GetJobAsync(first.Id, default))!.Spec.Axes.ShouldBe(first.Axes);

        await ledger.SyncJobsAsync([first, later], default);

        (await reader.GetJobAsync(later.Id, default))!.Spec.Axes.ShouldBe(later.Axes);
        (await ledger.GetJobAsync(later.Id, default))!.Spec.Axes.ShouldBe(later.Axes, "the writer's own reads too");
    }

    [Fact]
    public async Task Copy_SharedAxisLists_TargetRowsHoldTheNamesAndNoList()
    {
        var job = WithAxes(1, "provider", "prompt");
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
        }

        var copyPath = Path.Combine(TempPath, "copy", "ledger.db");
        await using (var source = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        await using (var copy = await SqliteLedger.OpenAsync(copyPath, Time, default))
        {
            await LedgerCopier.CopyAsync(source, copy, force: false, default);
            (await copy.GetJobAsync(job.Id, default))!.Spec.Axes.ShouldBe(job.Axes);
            (await copy.ReadMetaAsync(default)).Keys.ShouldNotContain(k => k.StartsWith("axes_list:", StringComparison.Ordinal));
        }
    }

    /// <summary>A job whose axes are the named fields of its own (the provider or a parameter), as a matrix gives them.</summary>
    private static JobSpec WithAxes(int index, params string[] names)
    {
        var job = LedgerTestJobs.Create(index);
        return job with
        {
            Axes = [.. names.Select(n => new KeyValuePair<string, string>(n, n switch
            {
                "provider" => job.Provider,
                "prompt" => job.Parameters.Prompt,
                "duration" => job.Parameters.Duration.ToString(CultureInfo.InvariantCulture),
                _ => throw new ArgumentOutOfRangeException(nameof(names), n, "no such field"),
            }))],
        };
    }

    /// <summary>A ledger at <paramref name="version"/> (from <c>compact_keys</c> on) holding <paramref name="jobs"/> as pending rows, as that binary wrote them.</summary>
    private void CreateKeyedLedger(int version, params JobSpec[] jobs)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={LedgerPath};Pooling=False"))
        {
            connection.Open();
            LedgerSchema.Create(connection, Start, version);
        }

        var seq = 0;
        foreach (var job in jobs)
        {
            seq++;
            ExecuteRaw($"""
                INSERT INTO jobs (id, seq, provider, state, spec_json, updated_at, in_manifest) VALUES ('{job.Id}', {seq}, '{job.Provider}', 'pending', '{LedgerValues.Spec(job).Replace("'", "''", StringComparison.Ordinal)}', 17952480000000000, 1);
                INSERT INTO events (time, job_seq, state, attempt) VALUES (17952480000000000, {seq}, 0, 0);
                """);
        }
    }

    private static async Task RunToSuccessAsync(SqliteLedger ledger, string jobId, string remote, string url)
    {
        await ledger.AppendAsync(new LedgerEvent { JobId = jobId, State = JobState.Submitting, Attempt = 1, EstimatedCostUsd = 0.45m }, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = jobId, State = JobState.Submitted, Attempt = 1, RemoteId = remote, HttpStatus = 200 }, default);
        await ledger.AppendAsync(new LedgerEvent
        {
            JobId = jobId,
            State = JobState.Generated,
            RemoteId = remote,
            ResultUrl = url,
            Outputs = [new LedgerOutput { Index = 1, ResultUrl = url }],
        }, default);
        await ledger.AppendAsync(new LedgerEvent
        {
            JobId = jobId,
            State = JobState.Succeeded,
            FilePath = "a.mp4",
            Bytes = 10,
            Sha256 = Sha,
            Video = new VideoFacts(640, 360, 5.0, "avc1"),
            Outputs = [new LedgerOutput { Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = Sha, FileModifiedNs = 7, FileInode = 8 }],
        }, default);
    }
}
