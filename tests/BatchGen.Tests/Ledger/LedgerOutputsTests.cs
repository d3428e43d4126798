using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>Output records: written with their event, read with their job, and the migration from schema version 1.</summary>
public sealed class LedgerOutputsTests : LedgerTestBase
{
    [Fact]
    public async Task AppendAsync_WithOutputs_RecordsEachOutputAndKeepsUnsetFields()
    {
        var job = LedgerTestJobs.Create(1, full: true);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
            await ledger.AppendAsync(Generated(job.Id, "https://cdn/1", "https://cdn/2"), default);
            await ledger.AppendAsync(new LedgerEvent
            {
                JobId = job.Id,
                State = JobState.Succeeded,
                Outputs =
                [
                    new LedgerOutput { Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" },
                    new LedgerOutput { Index = 2, FilePath = "a-2.mp4", Bytes = 20, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.0 },
                ],
            }, default);
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var outputs = (await reader.GetJobAsync(job.Id, default))!.Outputs;
        outputs.Count.ShouldBe(2);
        outputs[0].ShouldBe(new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" });
        outputs[1].ShouldBe(new LedgerOutput { Index = 2, ResultUrl = "https://cdn/2", FilePath = "a-2.mp4", Bytes = 20, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.0 });
    }

    [Fact]
    public async Task AppendAsync_ReplaceOutputs_ForgetsTheEarlierResult()
    {
        var job = LedgerTestJobs.Create(1, full: true);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Generated(job.Id, "https://cdn/old-1", "https://cdn/old-2"), default);
        await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = [new LedgerOutput { Index = 1, FilePath = "a.mp4", Sha256 = "aa" }] }, default);

        await ledger.AppendAsync(Generated(job.Id, "https://cdn/new-1") with { ReplaceOutputs = true }, default);

        var outputs = (await ledger.GetJobAsync(job.Id, default))!.Outputs;
        outputs.ShouldBe([new LedgerOutput { Index = 1, ResultUrl = "https://cdn/new-1" }]);
    }

    [Fact]
    public async Task OpenAsync_LedgerFromBeforeOutputs_MigratesAddingOutputRecordsForEveryOutputAsked()
    {
        var job = LedgerTestJobs.Create(1, full: true); // num_outputs: 2
        var single = LedgerTestJobs.Create(2);
        CreateBeforeOutputs(job, single);
        ExecuteRaw($"""
            UPDATE jobs SET state = 'succeeded', result_url = 'https://cdn/1', file_path = 'a.mp4', bytes = 10, sha256 = 'aa',
                completed_at = '2026-11-21T08:00:01.0000000Z' WHERE id = '{job.Id}';
            INSERT INTO events (time, job_id, state, attempt, result_url) VALUES ('2026-11-21T08:00:01.0000000Z', '{job.Id}', 'generated', 1, 'https://cdn/1');
            INSERT INTO events (time, job_id, state, attempt, file_path, bytes, sha256) VALUES ('2026-11-21T08:00:02.0000000Z', '{job.Id}', 'succeeded', 1, 'a.mp4', 10, 'aa');
            """);

        await using (var ledger = await CreateSut())
        {
            var migrated = (await ledger.GetJobAsync(job.Id, default))!;
            migrated.Outputs.ShouldBe(
            [
                new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" },
                new LedgerOutput { Index = 2 },
            ]);
            (await ledger.GetJobAsync(single.Id, default))!.Outputs.ShouldBeEmpty();
            (await ledger.GetMetaAsync("migrated:outputs", default)).ShouldNotBeNull();
        }

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(LedgerSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OpenReadOnlyAsync_LedgerFromBeforeOutputs_ReadsJobsWithoutOutputRecords()
    {
        var job = LedgerTestJobs.Create(1);
        CreateBeforeOutputs(job);

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var read = (await reader.GetJobAsync(job.Id, default))!;
        read.Outputs.ShouldBeEmpty();
        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(LedgerSchema.VersionAfter("video_facts").ToString(System.Globalization.CultureInfo.InvariantCulture), "a read-only open never migrates");
    }

    private static LedgerEvent Generated(string jobId, params string[] urls) => new()
    {
        JobId = jobId,
        State = JobState.Generated,
        ResultUrl = urls[0],
        Outputs = urls.Select((u, i) => new LedgerOutput { Index = i + 1, ResultUrl = u }).ToList(),
    };

    /// <summary>The file as batchgen left it before the <c>outputs</c> migration: no outputs table.</summary>
    private void CreateBeforeOutputs(params Core.Jobs.JobSpec[] jobs) => CreateOlderLedger(LedgerSchema.VersionAfter("video_facts"), jobs);
}
