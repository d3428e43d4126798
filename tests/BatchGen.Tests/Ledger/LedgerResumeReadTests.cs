using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Ledger;

/// <summary>The narrow reads of a resume: the manifest sync's key, summary rows, and succeeded jobs' recorded files.</summary>
public sealed class LedgerResumeReadTests : LedgerTestBase
{
    [Fact]
    public async Task SyncJobsAsync_SameManifestAgain_ChangesNothingAndCountsAsBefore()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 5).ToList();
        var first = await ledger.SyncJobsAsync(jobs, default);
        await ledger.SyncJobsAsync(jobs.Take(3), default); // two lost
        var lost = await ledger.SyncJobsAsync(jobs.Take(3), default);

        var events = QueryRaw("SELECT CAST(COUNT(*) AS TEXT) FROM events;");
        var again = await ledger.SyncedAlreadyAsync(jobs.Take(3), default);

        first.ShouldBe(new LedgerSyncResult(5, 0, 0));
        lost.ShouldBe(new LedgerSyncResult(0, 3, 2));
        again.ShouldBe(lost, "the key matches: the same counts, without syncing");
        QueryRaw("SELECT CAST(COUNT(*) AS TEXT) FROM events;").ShouldBe(events);
    }

    [Fact]
    public async Task SyncJobsAsync_SpecChangedOrJobAdded_SyncsAgain()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 3).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var changed = jobs[1] with { Parameters = jobs[1].Parameters with { Prompt = "another prompt" } };

        (await ledger.SyncedAlreadyAsync([jobs[0], changed, jobs[2]], default)).ShouldBeNull("a spec changed");
        await ledger.SyncJobsAsync([jobs[0], changed, jobs[2]], default);
        var added = await ledger.SyncJobsAsync([jobs[0], changed, jobs[2], LedgerTestJobs.Create(9)], default);

        (await ledger.GetJobAsync(changed.Id, default))!.Spec.Parameters.Prompt.ShouldBe("another prompt");
        added.ShouldBe(new LedgerSyncResult(1, 3, 0));
    }

    [Fact]
    public async Task SyncJobsAsync_LedgerMarksOtherJobsInTheManifest_SyncsAgainDespiteTheKey()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 3).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        ExecuteRaw($"UPDATE jobs SET in_manifest = 0 WHERE id = '{jobs[0].Id}';");

        (await ledger.SyncedAlreadyAsync(jobs, default)).ShouldBeNull("the ledger no longer marks every job of the key");
        var again = await ledger.SyncJobsAsync(jobs, default);

        again.ShouldBe(new LedgerSyncResult(0, 3, 0));
        (await ledger.GetJobAsync(jobs[0].Id, default))!.InManifest.ShouldBeTrue();
    }

    [Fact]
    public async Task ReadJobSummariesAsync_SameFiguresAsWholeRows()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 3).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[0].Id, State = JobState.Submitted, RemoteId = "r-0", EstimatedCostUsd = 0.45m, Attempt = 1 }, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[1].Id, State = JobState.Failed, ErrorClass = ErrorClass.Retryable, ErrorCode = "timeout", ActualCostUsd = 0.1m }, default);

        var whole = await ToListAsync(ledger.ReadJobsAsync(default));
        var summaries = await ToListAsync(ledger.ReadJobSummariesAsync(default));

        summaries.Select(s => (s.Id, s.Provider, s.State, s.Attempts, s.RemoteId, s.EstimatedCostUsd, s.ActualCostUsd, s.ErrorClass, s.ErrorCode, s.SubmittedAt, s.UpdatedAt, s.InManifest))
            .ShouldBe(whole.Select(s => (s.Id, s.Provider, s.State, s.Attempts, s.RemoteId, s.EstimatedCostUsd, s.ActualCostUsd, s.ErrorClass, s.ErrorCode, s.SubmittedAt, s.UpdatedAt, s.InManifest)));
    }

    [Fact]
    public async Task ReadSavedJobsAsync_SucceededJobsWithTheirRecordedFiles()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 3, ProviderNames.AimlApi).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var output = new LedgerOutput { Index = 1, ResultUrl = "https://cdn/x.mp4", FilePath = jobs[0].OutputPath, Bytes = 10, Sha256 = new string('a', 64), FileModifiedNs = 123, FileInode = 7 };
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[0].Id, State = JobState.Succeeded, FilePath = output.FilePath, Bytes = 10, Sha256 = output.Sha256, Outputs = [output] }, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[1].Id, State = JobState.Succeeded, Note = "no output record" }, default);

        var saved = await ToListAsync(ledger.ReadSavedJobsAsync(ProviderNames.AimlApi, default));

        saved.Select(s => s.Id).ShouldBe([jobs[0].Id, jobs[1].Id]);
        saved[0].Outputs.ShouldBe([new SavedOutput(1, jobs[0].OutputPath, new FileStamp(10, 123, 7), true)]);
        saved[1].Outputs.ShouldBeEmpty();
    }
}
