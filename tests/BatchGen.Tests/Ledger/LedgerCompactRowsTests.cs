using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The <c>compact_rows</c> layout of the SQLite ledger: compact spec_json, output 1 pointing at the event that recorded
/// its URL or file, the job row marking what equals output 1; and ledgers written before it, read and migrated.
/// </summary>
public sealed class LedgerCompactRowsTests : LedgerTestBase
{
    private const string Sha = "2244e76d187a131d196f77c94b7753ea31ca093c35bc7625de16ac812c148252";

    /// <summary>How versions before compact_rows wrote spec_json: the whole job.</summary>
    private static readonly JsonSerializerOptions WholeSpec = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    [Fact]
    public async Task SyncJobsAsync_StoresACompactSpec_ReadBackWhole()
    {
        var job = LedgerTestJobs.Create(1, full: true) with
        {
            Replicate = 0,
            OutputPath = "magnific/0000000000000001.mp4",
            Axes = [new("provider", "magnific"), new("style", "anime"), new("duration", "5"), new("audio", "true"), new("prompt", "short name"), new("take", "b")],
        };
        var other = LedgerTestJobs.Create(2);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job, other], default);
        }

        var stored = QueryRaw($"SELECT spec_json FROM jobs WHERE id = '{job.Id}';")!;
        stored.ShouldNotContain("\"id\"");
        stored.ShouldNotContain("output_path", Case.Sensitive, "the default path PROVIDER/ID.mp4 is implied");
        stored.ShouldNotContain("replicate");
        stored.ShouldContain("\"axes\":[\"provider\",\"style\",\"duration\",\"audio\",[\"prompt\",\"short name\"],[\"take\",\"b\"]]");
        QueryRaw($"SELECT spec_json FROM jobs WHERE id = '{other.Id}';")!.ShouldContain("\"output_path\":\"videos/magnific/job-2.mp4\"");

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        foreach (var spec in new[] { job, other })
        {
            var read = (await reader.GetJobAsync(spec.Id, default))!.Spec;
            JsonSerializer.Serialize(read).ShouldBe(JsonSerializer.Serialize(spec));
        }
    }

    [Fact]
    public async Task ReadJob_SpecWrittenWholeByAnOlderVersion_IsReadAsItIs()
    {
        var job = LedgerTestJobs.Create(4, full: true);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
        }

        var whole = JsonSerializer.Serialize(job, WholeSpec);
        whole.ShouldContain("\"axes\":[{\"key\":\"prompt\"");
        ExecuteRaw($"UPDATE jobs SET spec_json = '{whole.Replace("'", "''", StringComparison.Ordinal)}';");

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        JsonSerializer.Serialize((await reader.GetJobAsync(job.Id, default))!.Spec).ShouldBe(JsonSerializer.Serialize(job));
    }

    [Fact]
    public async Task AppendAsync_OutputOneAsItsEventRecordsIt_IsStoredOnceAndReadEverywhere()
    {
        var job = LedgerTestJobs.Create(1);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
            await ledger.AppendAsync(Generated(job.Id, "https://cdn/1"), default);
            await ledger.AppendAsync(Succeeded(job.Id, "a.mp4", Sha), default);
        }

        QueryRaw($"SELECT COALESCE(result_url, '-') || '|' || COALESCE(file_path, '-') || '|' || COALESCE(sha256, '-') || '|' || url_event || '|' || file_event FROM outputs;")
            .ShouldBe("-|-|-|2|3", "output 1 points at the generated (2) and succeeded (3) events");
        QueryRaw("SELECT result_url || '|' || file_path || '|' || sha256 FROM jobs;").ShouldBe("||", "the job row marks them as output 1's");

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var read = (await reader.GetJobAsync(job.Id, default))!;
        (read.ResultUrl, read.FilePath, read.Sha256, read.Bytes).ShouldBe(("https://cdn/1", "a.mp4", Sha, 10L));
        read.Outputs.ShouldBe([new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = Sha }]);
        var events = await ToListAsync(reader.ReadEventsAsync(job.Id, default));
        events.Select(e => (e.State, e.ResultUrl, e.FilePath, e.Sha256)).ShouldBe(
        [
            (JobState.Pending, null, null, null),
            (JobState.Generated, "https://cdn/1", null, null),
            (JobState.Succeeded, null, "a.mp4", Sha),
        ]);
        events[0].Note.ShouldBeNull("the pending event's first place says the manifest added the job");
    }

    [Fact]
    public async Task AppendAsync_NewResultAfterASavedOne_JobRowKeepsTheOldFileAndOutputsTakeTheNewResult()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Generated(job.Id, "https://cdn/old"), default);
        await ledger.AppendAsync(Succeeded(job.Id, "a.mp4", Sha, "https://cdn/old"), default);

        await ledger.AppendAsync(Generated(job.Id, "https://cdn/new") with { ReplaceOutputs = true }, default);

        var read = (await ledger.GetJobAsync(job.Id, default))!;
        (read.ResultUrl, read.FilePath, read.Sha256).ShouldBe(("https://cdn/new", "a.mp4", Sha), "as before: the job row keeps the last saved file until a new one is saved");
        read.Outputs.ShouldBe([new LedgerOutput { Index = 1, ResultUrl = "https://cdn/new" }]);
        QueryRaw("SELECT file_path || '|' || lower(hex(sha256)) || '|' || typeof(sha256) FROM jobs;").ShouldBe("a.mp4|" + Sha + "|blob", "no output record holds them any more: the job row does (the SHA-256 as its bytes, compact_values)");
        var generated = (await ToListAsync(ledger.ReadEventsAsync(job.Id, default))).Where(e => e.State == JobState.Generated).Select(e => e.ResultUrl);
        generated.ShouldBe(["https://cdn/old", "https://cdn/new"], "the superseded (paid) result's URL stays in the event stream");
    }

    [Fact]
    public async Task AppendAsync_OutputValueOtherThanTheEvents_IsStoredOnTheOutputAndWins()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Generated(job.Id, "https://cdn/1"), default);
        await ledger.AppendAsync(Succeeded(job.Id, "a.mp4", Sha), default);

        // A re-stamp that names output 1's URL and file again (as the saved output does), then a refreshed URL only on the output.
        await ledger.AppendAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Succeeded,
            Outputs = [new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Sha256 = Sha, FileModifiedNs = 7, FileInode = 8, Bytes = 10 }],
        }, default);
        QueryRaw("SELECT COALESCE(result_url, '-') || '|' || COALESCE(file_path, '-') || '|' || COALESCE(sha256, '-') FROM outputs;").ShouldBe("-|-|-", "equal values are not stored again");
        (await ledger.GetJobAsync(job.Id, default))!.Outputs[0].Stamp.ShouldNotBeNull("the new verification's stamp is kept");

        await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = [new LedgerOutput { Index = 1, ResultUrl = "https://cdn/refreshed" }] }, default);

        var read = (await ledger.GetJobAsync(job.Id, default))!;
        read.Outputs[0].ResultUrl.ShouldBe("https://cdn/refreshed");
        read.Outputs[0].FilePath.ShouldBe("a.mp4");
        read.ResultUrl.ShouldBe("https://cdn/1", "as before: the job row keeps the URL its own events recorded");
    }

    [Fact]
    public async Task OpenAsync_LedgerFromBeforeCompactRows_IsReadThenMigratedWithItsRowsAsTheyWere()
    {
        var job = LedgerTestJobs.Create(1);
        // The file as the previous version left it: whole values everywhere, the index of events by job, no references.
        CreateOlderLedger(LedgerSchema.VersionAfter("stored_objects"), job);
        ExecuteRaw($"""
            UPDATE jobs SET state = 'succeeded', result_url = 'https://cdn/1', file_path = 'a.mp4', bytes = 10, sha256 = '{Sha}';
            INSERT INTO outputs (job_id, output_index, result_url, file_path, bytes, sha256, updated_at) VALUES ('{job.Id}', 1, 'https://cdn/1', 'a.mp4', 10, '{Sha}', '2026-11-21T08:00:00.0000000Z');
            """);
        var expected = new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = Sha };

        await using (var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        {
            var read = (await reader.GetJobAsync(job.Id, default))!;
            (read.ResultUrl, read.FilePath, read.Sha256).ShouldBe(("https://cdn/1", "a.mp4", Sha));
            read.Outputs.ShouldBe([expected]);
        }

        await using (var ledger = await CreateSut())
        {
            (await ledger.GetJobAsync(job.Id, default))!.Outputs.ShouldBe([expected]);
            await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = [expected with { FileModifiedNs = 1, FileInode = 2 }] }, default);
            var read = (await ledger.GetJobAsync(job.Id, default))!;
            (read.ResultUrl, read.FilePath, read.Sha256).ShouldBe(("https://cdn/1", "a.mp4", Sha));
            read.Outputs.ShouldBe([expected with { FileModifiedNs = 1, FileInode = 2 }]);
            (await ledger.GetMetaAsync("migrated:compact_rows", default)).ShouldNotBeNull();
        }

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(LedgerSchema.Version.ToString(CultureInfo.InvariantCulture));
        QueryRaw("SELECT COALESCE(MAX(name), 'none') FROM sqlite_master WHERE name = 'events_job_id';").ShouldBe("none");
    }

    private static LedgerEvent Generated(string jobId, string url) => new()
    {
        JobId = jobId,
        State = JobState.Generated,
        ResultUrl = url,
        Outputs = [new LedgerOutput { Index = 1, ResultUrl = url }],
    };

    private static LedgerEvent Succeeded(string jobId, string path, string sha, string url = "https://cdn/1") => new()
    {
        JobId = jobId,
        State = JobState.Succeeded,
        FilePath = path,
        Bytes = 10,
        Sha256 = sha,
        Outputs = [new LedgerOutput { Index = 1, ResultUrl = url, FilePath = path, Bytes = 10, Sha256 = sha }],
    };
}
