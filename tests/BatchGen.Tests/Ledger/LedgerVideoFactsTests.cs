using BatchGen.Core.Ledger;
using BatchGen.Core.Media;

namespace BatchGen.Tests.Ledger;

/// <summary>The video_facts migration: a saved video's frame size, duration, codec and warning on the job's row.</summary>
public sealed class LedgerVideoFactsTests : LedgerTestBase
{
    private static readonly VideoFacts Portrait = new(864, 1280, 5, "avc1") { Warning = "frame size 864x1280 (27:40), asked 960x540 (16:9)" };

    [Fact]
    public async Task AppendAsync_WithVideo_RecordsItOnTheJob_LaterEventsWithoutVideoKeepIt()
    {
        await using var ledger = await CreateSut();
        var spec = LedgerTestJobs.Create(1);
        await ledger.SyncJobsAsync([spec], default);

        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, FilePath = "a.mp4", Video = Portrait }, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Note = "checked" }, default);

        (await ledger.GetJobAsync(spec.Id, default))!.Video.ShouldBe(Portrait);
    }

    [Fact]
    public async Task AppendAsync_NewVideoWithoutWarning_ClearsTheOldWarning()
    {
        await using var ledger = await CreateSut();
        var spec = LedgerTestJobs.Create(1);
        await ledger.SyncJobsAsync([spec], default);
        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Video = Portrait }, default);

        var landscape = new VideoFacts(960, 540, 5, "avc1");
        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Video = landscape }, default);

        (await ledger.GetJobAsync(spec.Id, default))!.Video.ShouldBe(landscape);
    }

    [Fact]
    public async Task OpenReadOnly_LedgerFromBeforeTheMigration_ReadsJobsWithoutVideo_ThenAWriterMigratesIt()
    {
        var spec = LedgerTestJobs.Create(1);
        // A ledger from before video_facts (and the outputs migration after it).
        CreateOlderLedger(LedgerSchema.VersionAfter("reviews"), spec);

        await using (var old = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        {
            var job = (await ToListAsync(old.ReadJobsAsync(default))).ShouldHaveSingleItem();
            job.Id.ShouldBe(spec.Id);
            job.Video.ShouldBeNull();
        }

        await using (var writer = await CreateSut())
        {
            (await writer.GetMetaAsync("migrated:video_facts", default)).ShouldNotBeNull();
            await writer.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Video = Portrait }, default);
            (await writer.GetJobAsync(spec.Id, default))!.Video.ShouldBe(Portrait);
        }
    }
}
