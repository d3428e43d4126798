using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>Syncing, appending and reading a ledger.</summary>
public sealed class SqliteLedgerTests : LedgerTestBase
{
    [Fact]
    public async Task SyncJobsAsync_NewJobs_InsertsPendingWithOneEventEach()
    {
        await using var ledger = await CreateSut();

        var result = await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 5), default);

        result.ShouldBe(new LedgerSyncResult(5, 0, 0));
        var jobs = await ToListAsync(ledger.ReadJobsAsync(default));
        jobs.Select(j => j.Id).ShouldBe(LedgerTestJobs.Range(0, 5).Select(j => j.Id));
        jobs.ShouldAllBe(j => j.State == JobState.Pending && j.InManifest && j.UpdatedAt == Start);
        var events = await ToListAsync(ledger.ReadEventsAsync(null, default));
        events.Count.ShouldBe(5);
        events.ShouldAllBe(e => e.State == JobState.Pending);
    }

    [Fact]
    public async Task SyncJobsAsync_ManifestLostAndGainedJobs_MarksLostAndKeepsThem()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 4), default);

        var result = await ledger.SyncJobsAsync(LedgerTestJobs.Range(2, 4), default);

        result.ShouldBe(new LedgerSyncResult(Added: 2, Existing: 2, Lost: 2));
        var jobs = await ToListAsync(ledger.ReadJobsAsync(default));
        jobs.Count.ShouldBe(6);
        jobs.Where(j => !j.InManifest).Select(j => j.Id).ShouldBe(LedgerTestJobs.Range(0, 2).Select(j => j.Id));

        var back = await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 6), default);
        back.ShouldBe(new LedgerSyncResult(0, 6, 0));
        (await ledger.GetJobAsync(LedgerTestJobs.Create(0).Id, default))!.InManifest.ShouldBeTrue();
    }

    [Fact]
    public async Task SyncJobsAsync_MoreThanOneChunk_CountsEveryJobOnce()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 10_050).ToList();

        var result = await ledger.SyncJobsAsync(jobs.Concat(jobs.Take(10)), default);

        result.ShouldBe(new LedgerSyncResult(10_050, 0, 0));
        (await ledger.CountByStateAsync(null, default))[JobState.Pending].ShouldBe(10_050);
    }

    [Fact]
    public async Task AppendAsync_EveryField_RoundTripsThroughEventAndJobRow()
    {
        await using var ledger = await CreateSut();
        var spec = LedgerTestJobs.Create(7, ProviderNames.Segmind, full: true);
        await ledger.SyncJobsAsync([spec], default);
        var ledgerEvent = new LedgerEvent
        {
            JobId = spec.Id,
            State = JobState.Generated,
            Attempt = 2,
            RemoteId = "task-7",
            HttpStatus = 200,
            ErrorClass = ErrorClass.Retryable,
            ErrorCode = "rate_limited",
            ErrorMessage = "segmind: 429 too many requests (retry after 2 s)",
            EstimatedCostUsd = 0.1234567890123456789m,
            ActualCostUsd = 0.3m,
            ResultUrl = "https://cdn.example.com/v.mp4",
            FilePath = "videos/ü/7.mp4",
            Bytes = 5_000_000_000,
            Sha256 = new string('a', 64),
            Note = "download retry 2",
        };

        Time.Advance(TimeSpan.FromSeconds(3));
        await ledger.AppendAsync(ledgerEvent, default);

        var events = await ToListAsync(ledger.ReadEventsAsync(spec.Id, default));
        events.Count.ShouldBe(2);
        events[1].ShouldBe(ledgerEvent with { Time = Start.AddSeconds(3) });
        var job = (await ledger.GetJobAsync(spec.Id, default))!;
        System.Text.Json.JsonSerializer.Serialize(job.Spec).ShouldBe(System.Text.Json.JsonSerializer.Serialize(spec));
        job.Spec.Axes.ShouldBe(spec.Axes);
        job.Spec.Parameters.Seed.ShouldBe(42);
        job.Spec.Parameters.Extra!["quality"].GetProperty("level").GetInt32().ShouldBe(3);
        job.State.ShouldBe(JobState.Generated);
        job.Attempts.ShouldBe(2);
        job.RemoteId.ShouldBe("task-7");
        job.ResultUrl.ShouldBe(ledgerEvent.ResultUrl);
        job.FilePath.ShouldBe(ledgerEvent.FilePath);
        job.Bytes.ShouldBe(5_000_000_000);
        job.Sha256.ShouldBe(ledgerEvent.Sha256);
        job.EstimatedCostUsd.ShouldBe(0.1234567890123456789m);
        job.ActualCostUsd.ShouldBe(0.3m);
        job.ErrorClass.ShouldBe(ErrorClass.Retryable);
        job.ErrorCode.ShouldBe("rate_limited");
        job.ErrorMessage.ShouldBe(ledgerEvent.ErrorMessage);
        job.SubmittedAt.ShouldBe(Start.AddSeconds(3));
        job.CompletedAt.ShouldBe(Start.AddSeconds(3));
        job.StartedAt.ShouldBeNull();
        job.UpdatedAt.ShouldBe(Start.AddSeconds(3));
    }

    [Fact]
    public async Task AppendAsync_Lifecycle_KeepsFirstTimesCostsApartAndClearsErrorsOnSuccess()
    {
        await using var ledger = await CreateSut();
        var id = LedgerTestJobs.Create(1).Id;
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);

        await Step(JobState.Submitting, new LedgerEvent { JobId = id, State = default, Attempt = 1, EstimatedCostUsd = 0.40m });
        await Step(JobState.Submitted, new LedgerEvent { JobId = id, State = default, Attempt = 1, RemoteId = "r1" });
        await Step(JobState.Running, new LedgerEvent { JobId = id, State = default });
        await Step(JobState.Running, new LedgerEvent { JobId = id, State = default, ErrorClass = ErrorClass.Retryable, ErrorCode = "timeout", ErrorMessage = "poll timed out" });
        await Step(JobState.Generated, new LedgerEvent { JobId = id, State = default, ActualCostUsd = 0.35m, ResultUrl = "https://x/v.mp4" });
        await Step(JobState.Succeeded, new LedgerEvent { JobId = id, State = default, FilePath = "v.mp4", Bytes = 10, Sha256 = "ab" });

        var job = (await ledger.GetJobAsync(id, default))!;
        job.State.ShouldBe(JobState.Succeeded);
        job.Attempts.ShouldBe(1);
        job.SubmittedAt.ShouldBe(Start.AddSeconds(2));
        job.StartedAt.ShouldBe(Start.AddSeconds(3));
        job.CompletedAt.ShouldBe(Start.AddSeconds(5));
        job.UpdatedAt.ShouldBe(Start.AddSeconds(6));
        job.EstimatedCostUsd.ShouldBe(0.40m);
        job.ActualCostUsd.ShouldBe(0.35m);
        job.ErrorClass.ShouldBeNull();
        job.ErrorCode.ShouldBeNull();
        job.ErrorMessage.ShouldBeNull();
        job.RemoteId.ShouldBe("r1");
        job.ResultUrl.ShouldBe("https://x/v.mp4");
        (await ToListAsync(ledger.ReadEventsAsync(id, default))).Select(e => e.State).ShouldBe(
            [JobState.Pending, JobState.Submitting, JobState.Submitted, JobState.Running, JobState.Running, JobState.Generated, JobState.Succeeded]);

        async Task Step(JobState state, LedgerEvent e)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await ledger.AppendAsync(e with { State = state }, default);
        }
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentCallers_AllDurableAndOrderedPerJob()
    {
        const int Jobs = 16;
        const int EventsPerJob = 40;
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, Jobs), default);
            var writers = Enumerable.Range(0, Jobs).Select(j => Task.Run(async () =>
            {
                for (var n = 1; n <= EventsPerJob; n++)
                {
                    await ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(j).Id, State = JobState.Running, Attempt = n, Note = $"n{n}" }, default);
                }
            }));
            await Task.WhenAll(writers);
        }

        await using var reopened = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        for (var j = 0; j < Jobs; j++)
        {
            var events = await ToListAsync(reopened.ReadEventsAsync(LedgerTestJobs.Create(j).Id, default));
            events.Skip(1).Select(e => e.Note).ShouldBe(Enumerable.Range(1, EventsPerJob).Select(n => $"n{n}"));
            (await reopened.GetJobAsync(LedgerTestJobs.Create(j).Id, default))!.Attempts.ShouldBe(EventsPerJob);
        }

        (await ToListAsync(reopened.ReadEventsAsync(null, default))).Count.ShouldBe(Jobs * (EventsPerJob + 1));
    }

    [Fact]
    public async Task AppendAsync_QueuedWhileWriterBusy_CommittedTogetherInOneTransaction()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 50), default);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var busy = Task.Run(() => ledger.Writer!.ExclusiveAsync(_ => { entered.Set(); return release.Wait(TimeSpan.FromSeconds(30)); }, default));
        entered.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        var before = ledger.Writer!.Commits;
        List<Task> appends;
        try
        {
            appends = LedgerTestJobs.Range(0, 50).Select(j => ledger.AppendAsync(new LedgerEvent { JobId = j.Id, State = JobState.Submitting, Attempt = 1 }, default)).ToList();
            await Task.Delay(100);
            appends.Count(t => t.IsCompleted).ShouldBe(0);
        }
        finally
        {
            release.Set();
        }

        (await busy).ShouldBeTrue();
        await Task.WhenAll(appends);

        (ledger.Writer.Commits - before).ShouldBeLessThanOrEqualTo(2);
        (await ledger.CountByStateAsync(null, default))[JobState.Submitting].ShouldBe(50);
    }

    [Fact]
    public async Task AppendAsync_UnknownJob_FailsThatCallOnly()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);

        var bad = ledger.AppendAsync(new LedgerEvent { JobId = "nope", State = JobState.Running }, default);
        var good = ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, default);

        var ex = await Should.ThrowAsync<LedgerException>(bad);
        ex.Message.ShouldBe($"{LedgerPath}: job nope is not in the ledger (sync the manifest's jobs before recording events for them)");
        await good;
        (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!.State.ShouldBe(JobState.Running);
        (await ToListAsync(ledger.ReadEventsAsync("nope", default))).ShouldBeEmpty();
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeWrite_WritesNothing()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);

        await Should.ThrowAsync<OperationCanceledException>(
            ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, new CancellationToken(true)));

        (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!.State.ShouldBe(JobState.Pending);
    }

    [Fact]
    public async Task OpenAsync_AfterDispose_ReopensWithEverything()
    {
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 3), default);
            await ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(2).Id, State = JobState.Submitted, Attempt = 1, RemoteId = "r2" }, default);
            await ledger.SetMetaAsync("manifest", "/m.yaml", default);
            await ledger.SetMetaAsync("manifest", "/m2.yaml", default);
            (await ledger.GetMetaAsync("manifest", default)).ShouldBe("/m2.yaml");
        }

        File.Exists(LedgerPath + "-wal").ShouldBeFalse("a clean close checkpoints and removes the WAL");

        await using var reopened = await CreateSut();
        (await reopened.GetMetaAsync("manifest", default)).ShouldBe("/m2.yaml");
        (await reopened.GetMetaAsync("missing", default)).ShouldBeNull();
        (await reopened.GetJobAsync(LedgerTestJobs.Create(2).Id, default))!.RemoteId.ShouldBe("r2");
        var counts = await reopened.CountByStateAsync(ProviderNames.Magnific, default);
        counts[JobState.Pending].ShouldBe(2);
        counts[JobState.Submitted].ShouldBe(1);
        counts[JobState.Failed].ShouldBe(0);
        (await reopened.CountByStateAsync(ProviderNames.Pixwith, default)).Values.Sum().ShouldBe(0);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var ledger = await CreateSut();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
        await ledger.DisposeAsync();

        await Should.ThrowAsync<ObjectDisposedException>(
            ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, default));
    }

    [Fact]
    public async Task AppendAsync_Money_StoredAsExactDecimalText()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
        var tenths = Enumerable.Repeat(0.1m, 10).Sum();

        await ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Generated, ActualCostUsd = tenths, EstimatedCostUsd = 79228162514264337593543950335m }, default);

        var job = (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!;
        job.ActualCostUsd.ShouldBe(1.0m);
        job.EstimatedCostUsd.ShouldBe(decimal.MaxValue);
        QueryRaw("SELECT typeof(actual_cost_usd) || ':' || actual_cost_usd FROM jobs;").ShouldBe("text:1.0");
    }
}
