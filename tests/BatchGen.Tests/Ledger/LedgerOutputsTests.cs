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
    public async Task OpenAsync_SchemaVersion1_MigratesAddingOutputRecordsForEveryOutputAsked()
    {
        var job = LedgerTestJobs.Create(1, full: true); // num_outputs: 2
        var single = LedgerTestJobs.Create(2);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job, single], default);
            await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Generated, ResultUrl = "https://cdn/1" }, default);
            await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" }, default);
        }

        DowngradeToVersion1();

        await using (var ledger = await CreateSut())
        {
            var migrated = (await ledger.GetJobAsync(job.Id, default))!;
            migrated.Outputs.ShouldBe(
            [
                new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" },
                new LedgerOutput { Index = 2 },
            ]);
            (await ledger.GetJobAsync(single.Id, default))!.Outputs.ShouldBeEmpty();
            (await ledger.GetMetaAsync("schema_version", default)).ShouldBe("2");
        }

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe("2");
    }

    [Fact]
    public async Task OpenReadOnlyAsync_SchemaVersion1_ReadsJobsWithoutOutputRecords()
    {
        var job = LedgerTestJobs.Create(1);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
        }

        DowngradeToVersion1();

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var read = (await reader.GetJobAsync(job.Id, default))!;
        read.Outputs.ShouldBeEmpty();
        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe("1", "a read-only open never migrates");
    }

    private static LedgerEvent Generated(string jobId, params string[] urls) => new()
    {
        JobId = jobId,
        State = JobState.Generated,
        ResultUrl = urls[0],
        Outputs = urls.Select((u, i) => new LedgerOutput { Index = i + 1, ResultUrl = u }).ToList(),
    };

    /// <summary>The file as batchgen with schema version 1 left it: no outputs table.</summary>
    private void DowngradeToVersion1() =>
        ExecuteRaw("DROP TABLE outputs; PRAGMA user_version = 1; UPDATE meta SET value = '1' WHERE key = 'schema_version';");
}
