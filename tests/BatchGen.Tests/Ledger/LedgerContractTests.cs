using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// What every ledger backend promises (<see cref="ILedger"/>): the same suite runs against SQLite and PostgreSQL.
/// Each test works on a fresh batch; <see cref="OpenAsync"/> opens the same batch again within a test.
/// </summary>
public abstract class LedgerContractTests : LedgerTestBase
{
    private static readonly DateTimeOffset StoredAt = new(2026, 11, 28, 20, 0, 0, TimeSpan.Zero);

    private static readonly VideoFacts Portrait = new(864, 1280, 5, "avc1") { Warning = "frame size 864x1280 (27:40), asked 960x540 (16:9)" };

    /// <summary>Opens the test's batch for writing (created on first use).</summary>
    protected abstract Task<ILedgerImport> OpenAsync();

    /// <summary>Opens the test's batch for reading only.</summary>
    protected abstract Task<ILedger> OpenReadOnlyAsync();

    [Fact]
    public async Task SyncJobsAsync_NewJobs_InsertsPendingWithOneEventEach()
    {
        await using var ledger = await OpenAsync();

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
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 4), default);

        var result = await ledger.SyncJobsAsync(LedgerTestJobs.Range(2, 4), default);

        result.ShouldBe(new LedgerSyncResult(Added: 2, Existing: 2, Lost: 2));
        var jobs = await ToListAsync(ledger.ReadJobsAsync(default));
        jobs.Count.ShouldBe(6);
        jobs.Select(j => j.Id).ShouldBe(LedgerTestJobs.Range(0, 6).Select(j => j.Id), "insertion order");
        jobs.Where(j => !j.InManifest).Select(j => j.Id).ShouldBe(LedgerTestJobs.Range(0, 2).Select(j => j.Id));

        var back = await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 6), default);
        back.ShouldBe(new LedgerSyncResult(0, 6, 0));
        (await ledger.GetJobAsync(LedgerTestJobs.Create(0).Id, default))!.InManifest.ShouldBeTrue();
    }

    [Fact]
    public async Task SyncJobsAsync_MoreThanOneChunk_CountsEveryJobOnce()
    {
        await using var ledger = await OpenAsync();
        var jobs = LedgerTestJobs.Range(0, 10_050).ToList();

        var result = await ledger.SyncJobsAsync(jobs.Concat(jobs.Take(10)), default);

        result.ShouldBe(new LedgerSyncResult(10_050, 0, 0));
        (await ledger.CountByStateAsync(null, default))[JobState.Pending].ShouldBe(10_050);
        var paged = await ToListAsync(ledger.ReadJobsAsync(ProviderNames.Magnific, default, pageSize: 1000));
        paged.Select(j => j.Id).ShouldBe(jobs.Select(j => j.Id));
    }

    [Fact]
    public async Task AppendAsync_EveryField_RoundTripsThroughEventAndJobRow()
    {
        await using var ledger = await OpenAsync();
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
        job.Spec.Parameters.Extra!["quality"].GetProperty("level").GetInt32().ShouldBe(3);
        job.State.ShouldBe(JobState.Generated);
        job.Attempts.ShouldBe(2);
        job.RemoteId.ShouldBe("task-7");
        job.Bytes.ShouldBe(5_000_000_000);
        job.EstimatedCostUsd.ShouldBe(0.1234567890123456789m);
        job.ActualCostUsd.ShouldBe(0.3m);
        job.ErrorClass.ShouldBe(ErrorClass.Retryable);
        job.ErrorMessage.ShouldBe(ledgerEvent.ErrorMessage);
        job.SubmittedAt.ShouldBe(Start.AddSeconds(3));
        job.CompletedAt.ShouldBe(Start.AddSeconds(3));
        job.StartedAt.ShouldBeNull();
        job.UpdatedAt.ShouldBe(Start.AddSeconds(3));
    }

    [Fact]
    public async Task AppendAsync_Lifecycle_KeepsFirstTimesCostsApartAndClearsErrorsOnSuccess()
    {
        await using var ledger = await OpenAsync();
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
        const int EventsPerJob = 25;
        await using (var ledger = await OpenAsync())
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

        await using var reopened = await OpenReadOnlyAsync();
        for (var j = 0; j < Jobs; j++)
        {
            var events = await ToListAsync(reopened.ReadEventsAsync(LedgerTestJobs.Create(j).Id, default));
            events.Skip(1).Select(e => e.Note).ShouldBe(Enumerable.Range(1, EventsPerJob).Select(n => $"n{n}"));
            (await reopened.GetJobAsync(LedgerTestJobs.Create(j).Id, default))!.Attempts.ShouldBe(EventsPerJob);
        }

        (await ToListAsync(reopened.ReadEventsAsync(null, default))).Count.ShouldBe(Jobs * (EventsPerJob + 1));
    }

    [Fact]
    public async Task AppendAsync_UnknownJob_FailsThatCallOnly()
    {
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);

        var bad = ledger.AppendAsync(new LedgerEvent { JobId = "nope", State = JobState.Running }, default);
        var good = ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, default);

        var ex = await Should.ThrowAsync<LedgerException>(bad);
        ex.Message.ShouldBe($"{ledger.Location}: job nope is not in the ledger (sync the manifest's jobs before recording events for them)");
        await good;
        (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!.State.ShouldBe(JobState.Running);
        (await ToListAsync(ledger.ReadEventsAsync("nope", default))).ShouldBeEmpty();
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeWrite_WritesNothing()
    {
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);

        await Should.ThrowAsync<OperationCanceledException>(
            ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, new CancellationToken(true)));

        (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!.State.ShouldBe(JobState.Pending);
    }

    [Fact]
    public async Task OpenAsync_AfterDispose_ReopensWithEverything()
    {
        await using (var ledger = await OpenAsync())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 3), default);
            await ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(2).Id, State = JobState.Submitted, Attempt = 1, RemoteId = "r2" }, default);
            await ledger.SetMetaAsync("manifest", "/m.yaml", default);
            await ledger.SetMetaAsync("manifest", "/m2.yaml", default);
            (await ledger.GetMetaAsync("manifest", default)).ShouldBe("/m2.yaml");
        }

        await using var reopened = await OpenAsync();
        (await reopened.GetMetaAsync("manifest", default)).ShouldBe("/m2.yaml");
        (await reopened.ReadMetaAsync(default))["manifest"].ShouldBe("/m2.yaml");
        (await reopened.GetMetaAsync("missing", default)).ShouldBeNull();
        (await reopened.GetJobAsync(LedgerTestJobs.Create(2).Id, default))!.RemoteId.ShouldBe("r2");
        var counts = await reopened.CountByStateAsync(ProviderNames.Magnific, default);
        counts[JobState.Pending].ShouldBe(2);
        counts[JobState.Submitted].ShouldBe(1);
        counts[JobState.Failed].ShouldBe(0);
        (await reopened.CountByStateAsync(ProviderNames.Pixwith, default)).Values.Sum().ShouldBe(0);
    }

    [Fact]
    public async Task OpenAsync_SecondWriterOnTheSameBatch_IsRefusedAsLocked()
    {
        await using var first = await OpenAsync();

        var ex = await Should.ThrowAsync<LedgerException>(OpenAsync());

        ex.Failure.ShouldBe(LedgerFailure.Locked);
        ex.Message.ShouldStartWith(first.Location);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
        await ledger.DisposeAsync();

        await Should.ThrowAsync<ObjectDisposedException>(
            ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Running }, default));
    }

    [Fact]
    public async Task AppendAsync_Money_KeptAsExactDecimals()
    {
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
        var tenths = Enumerable.Repeat(0.1m, 10).Sum();

        await ledger.AppendAsync(new LedgerEvent { JobId = LedgerTestJobs.Create(1).Id, State = JobState.Generated, ActualCostUsd = tenths, EstimatedCostUsd = 79228162514264337593543950335m }, default);

        var job = (await ledger.GetJobAsync(LedgerTestJobs.Create(1).Id, default))!;
        job.ActualCostUsd.ShouldBe(1.0m);
        job.ActualCostUsd.ToString().ShouldBe("1.0");
        job.EstimatedCostUsd.ShouldBe(decimal.MaxValue);
    }

    [Fact]
    public async Task AppendAsync_WithOutputs_RecordsEachOutput_ReplaceForgetsTheEarlierResult()
    {
        var job = LedgerTestJobs.Create(1, full: true);
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Generated(job.Id, "https://cdn/1", "https://cdn/2"), default);
        await ledger.AppendAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Succeeded,
            Outputs =
            [
                new LedgerOutput { Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" },
                new LedgerOutput { Index = 2, FilePath = "a-2.mp4", Bytes = 20, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.0, FileModifiedNs = 1_764_000_000_123_456_789, FileInode = 4242 },
            ],
        }, default);

        var outputs = (await ledger.GetJobAsync(job.Id, default))!.Outputs;
        outputs.ShouldBe(
        [
            new LedgerOutput { Index = 1, ResultUrl = "https://cdn/1", FilePath = "a.mp4", Bytes = 10, Sha256 = "aa" },
            new LedgerOutput { Index = 2, ResultUrl = "https://cdn/2", FilePath = "a-2.mp4", Bytes = 20, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.0, FileModifiedNs = 1_764_000_000_123_456_789, FileInode = 4242 },
        ]);

        await ledger.AppendAsync(Generated(job.Id, "https://cdn/new-1") with { ReplaceOutputs = true }, default);
        (await ledger.GetJobAsync(job.Id, default))!.Outputs.ShouldBe([new LedgerOutput { Index = 1, ResultUrl = "https://cdn/new-1" }]);
    }

    [Fact]
    public async Task AppendAsync_WithVideo_RecordsItOnTheJob_ANewVideoReplacesTheWarning()
    {
        await using var ledger = await OpenAsync();
        var spec = LedgerTestJobs.Create(1);
        await ledger.SyncJobsAsync([spec], default);

        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, FilePath = "a.mp4", Video = Portrait }, default);
        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Note = "checked" }, default);
        (await ledger.GetJobAsync(spec.Id, default))!.Video.ShouldBe(Portrait);

        var landscape = new VideoFacts(960, 540, 5, "avc1");
        await ledger.AppendAsync(new LedgerEvent { JobId = spec.Id, State = JobState.Succeeded, Video = landscape }, default);
        (await ledger.GetJobAsync(spec.Id, default))!.Video.ShouldBe(landscape);
    }

    [Fact]
    public async Task RecordWebhookAsync_SameProviderTaskAndStatus_RecordedOnce()
    {
        await using var ledger = await OpenAsync();

        (await ledger.RecordWebhookAsync("magnific", "task-1", "COMPLETED", "job-1", default)).ShouldBeTrue();
        (await ledger.RecordWebhookAsync("magnific", "task-1", "COMPLETED", "job-1", default)).ShouldBeFalse("a repeated delivery");
        (await ledger.RecordWebhookAsync("magnific", "task-1", "IN_PROGRESS", null, default)).ShouldBeTrue();
        (await ledger.RecordWebhookAsync("segmind", "task-1", "COMPLETED", null, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task ImportAsync_NonEmptyTarget_RefusedUnlessForced_ThenCountsMatch()
    {
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 3), default);
        await using var other = new InMemorySource(LedgerTestJobs.Range(10, 2));

        var refused = await Should.ThrowAsync<LedgerException>(LedgerCopier.CopyAsync(other, ledger, force: false, default));
        refused.Message.ShouldContain("the target batch is not empty (3 jobs, 3 events");

        var counts = await LedgerCopier.CopyAsync(other, ledger, force: true, default);
        counts.ShouldBe(new LedgerCounts(2, 2, 0, 0, 0, 0, 0, 0));
        (await ToListAsync(ledger.ReadJobsAsync(default))).Select(j => j.Id).ShouldBe(LedgerTestJobs.Range(10, 2).Select(j => j.Id));
    }

    [Fact]
    public async Task AppendAsync_OutputWithObject_ReadBackByReadersToo()
    {
        var job = LedgerTestJobs.Create(1);
        await using (var ledger = await OpenAsync())
        {
            await ledger.SyncJobsAsync([job], default);
            await ledger.AppendAsync(Saved(job.Id, "aa"), default);
            await ledger.AppendAsync(Saved(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);
        }

        await using var reader = await OpenReadOnlyAsync();
        var output = (await reader.GetJobAsync(job.Id, default))!.Outputs.ShouldHaveSingleItem();
        output.ObjectKey.ShouldBe("p/a.mp4");
        output.ObjectUrl.ShouldBe("s3://b/p/a.mp4");
        output.StoredAt.ShouldBe(StoredAt);
    }

    [Fact]
    public async Task AppendAsync_FileChangedSinceUpload_ObjectNoLongerCounts()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Saved(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);

        await ledger.AppendAsync(Saved(job.Id, "bb"), default);

        (await ledger.GetJobAsync(job.Id, default))!.Outputs.Single().ObjectKey.ShouldBeNull();
    }

    [Fact]
    public async Task AppendAsync_ReplaceOutputs_ForgetsStoredObjects()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await OpenAsync();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Saved(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);

        await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Generated, ReplaceOutputs = true, Outputs = [new LedgerOutput { Index = 1, ResultUrl = "https://cdn/new" }] }, default);
        await ledger.AppendAsync(Saved(job.Id, "aa"), default);

        (await ledger.GetJobAsync(job.Id, default))!.Outputs.Single().ObjectKey.ShouldBeNull();
    }

    [Fact]
    public async Task CopyAsync_StoredObjects_GoBothWaysWithASqliteLedger()
    {
        var job = LedgerTestJobs.Create(1);
        await using (var ledger = await OpenAsync())
        {
            await ledger.SyncJobsAsync([job], default);
            await ledger.AppendAsync(Saved(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);
        }

        var copyPath = Path.Combine(TempPath, "copy", "ledger.db");
        await using (var source = await OpenReadOnlyAsync())
        await using (var copy = await SqliteLedger.OpenAsync(copyPath, Time, default))
        {
            await LedgerCopier.CopyAsync(source, copy, force: false, default);
            (await copy.GetJobAsync(job.Id, default))!.Outputs.Single().ObjectUrl.ShouldBe("s3://b/p/a.mp4", "copied out of this backend");
        }

        await using (var copy = await SqliteLedger.OpenReadOnlyAsync(copyPath, Time, default))
        await using (var ledger = await OpenAsync())
        {
            await LedgerCopier.CopyAsync(copy, ledger, force: true, default);
        }

        await using var back = await OpenReadOnlyAsync();
        var output = (await back.GetJobAsync(job.Id, default))!.Outputs.ShouldHaveSingleItem();
        (output.ObjectKey, output.ObjectUrl, output.StoredAt).ShouldBe(("p/a.mp4", "s3://b/p/a.mp4", (DateTimeOffset?)StoredAt), "copied back into this backend");
    }

    [Fact]
    public async Task CopyAsync_UploadsAndWebhookDeliveries_EveryFieldSurvivesSqliteToThisBackendAndBack()
    {
        var job = LedgerTestJobs.Create(1);
        var sourcePath = Path.Combine(TempPath, "source", "ledger.db");
        await using (var source = await SqliteLedger.OpenAsync(sourcePath, Time, default))
        {
            await source.SyncJobsAsync([job], default);
            await RecordUploadsAndWebhooksAsync(source, job.Id);
        }

        await using var original = await SqliteLedger.OpenReadOnlyAsync(sourcePath, Time, default);
        var uploads = await ToListAsync(original.ReadUploadsAsync(default));
        var webhooks = await ToListAsync(original.ReadWebhooksAsync(default));
        uploads.Count.ShouldBe(4);
        webhooks.Count.ShouldBe(3);

        await using (var ledger = await OpenAsync())
        {
            var counts = await LedgerCopier.CopyAsync(original, ledger, force: false, default);
            (counts.Uploads, counts.Webhooks).ShouldBe((4L, 3L));
            counts.ToString().ShouldEndWith(", 4 uploads, 3 webhook deliveries");
            (await ToListAsync(ledger.ReadUploadsAsync(default))).ShouldBe(uploads, "uploads in this backend");
            (await ToListAsync(ledger.ReadWebhooksAsync(default))).ShouldBe(webhooks, "deliveries in this backend");
            var upload = (IUploadLog)ledger;
            (await upload.GetUploadAsync("aa", "pixwith", default)).ShouldBe(uploads[2], "the later upload of the same content is still the latest");
            (await ledger.RecordWebhookAsync("magnific", "task-1", "COMPLETED", job.Id, default)).ShouldBeFalse("a re-delivery after the copy is still a repeat");
        }

        var backPath = Path.Combine(TempPath, "back", "ledger.db");
        await using (var ledger = await OpenReadOnlyAsync())
        await using (var back = await SqliteLedger.OpenAsync(backPath, Time, default))
        {
            var counts = await LedgerCopier.CopyAsync(ledger, back, force: false, default);
            (counts.Uploads, counts.Webhooks).ShouldBe((4L, 3L));
        }

        await using var backReader = await SqliteLedger.OpenReadOnlyAsync(backPath, Time, default);
        (await ToListAsync(backReader.ReadUploadsAsync(default))).ShouldBe(uploads, "uploads after SQLite -> this backend -> SQLite");
        (await ToListAsync(backReader.ReadWebhooksAsync(default))).ShouldBe(webhooks, "deliveries after SQLite -> this backend -> SQLite");
    }

    [Fact]
    public async Task CopyAsync_TargetHoldingOnlyUploadsOrDeliveries_RefusedUnlessForced_ForceClearsThem()
    {
        var sourcePath = Path.Combine(TempPath, "source", "ledger.db");
        await using (var source = await SqliteLedger.OpenAsync(sourcePath, Time, default))
        {
            await source.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
            await source.RecordUploadAsync(new UploadRecord("aa", "pixwith", "https://pre/aa", 10, null), default);
        }

        await using var original = await SqliteLedger.OpenReadOnlyAsync(sourcePath, Time, default);
        await using var ledger = await OpenAsync();
        await ledger.RecordWebhookAsync("segmind", "stale", "COMPLETED", null, default);
        var refused = await Should.ThrowAsync<LedgerException>(LedgerCopier.CopyAsync(original, ledger, force: false, default));
        refused.Message.ShouldContain("the target batch is not empty (0 jobs, 0 events, 0 outputs, 0 votes, 0 ratings, 0 video checks, 0 uploads, 1 webhook deliveries)");

        await ((IUploadLog)ledger).RecordUploadAsync(new UploadRecord("bb", "image_store", "s3://b/stale", 20, null), default);
        var counts = await LedgerCopier.CopyAsync(original, ledger, force: true, default);

        counts.ShouldBe(new LedgerCounts(1, 1, 0, 0, 0, 0, 1, 0));
        (await ToListAsync(ledger.ReadUploadsAsync(default))).Select(u => u.Url).ShouldBe(["https://pre/aa"]);
        (await ToListAsync(ledger.ReadWebhooksAsync(default))).ShouldBeEmpty();
        (await ledger.RecordWebhookAsync("segmind", "stale", "COMPLETED", null, default)).ShouldBeTrue("the cleared delivery is gone");
    }

    /// <summary>
    /// Uploads with every field shaped (pending, with and without an end, the same content twice for one provider, an
    /// object-store upload) and deliveries with and without a job, each at its own time.
    /// </summary>
    private async Task RecordUploadsAndWebhooksAsync(SqliteLedger ledger, string jobId)
    {
        Time.Advance(TimeSpan.FromMilliseconds(1.2345));
        await ledger.RecordUploadAsync(new UploadRecord("aa", "pixwith", "https://pre.example.com/aa.png?sig=1", 1234, Start.AddHours(1)) { Pending = true }, default);
        Time.Advance(TimeSpan.FromSeconds(1));
        await ledger.RecordUploadAsync(new UploadRecord(new string('c', 64), "image_store", "s3://bucket/inputs/cc.png", 5_000_000_000, null), default);
        Time.Advance(TimeSpan.FromSeconds(1));
        await ledger.RecordUploadAsync(new UploadRecord("aa", "pixwith", "https://pre.example.com/aa.png?sig=1", 1234, Start.AddHours(1).AddTicks(7)), default);
        Time.Advance(TimeSpan.FromSeconds(1));
        await ledger.RecordUploadAsync(new UploadRecord("aa", "image_store", "s3://bucket/inputs/ü aa.png", 1234, null), default);
        Time.Advance(TimeSpan.FromTicks(3));
        await ledger.RecordWebhookAsync("magnific", "task-1", "COMPLETED", jobId, default);
        Time.Advance(TimeSpan.FromSeconds(1));
        await ledger.RecordWebhookAsync("magnific", "task-1", "IN_PROGRESS", null, default);
        await ledger.RecordWebhookAsync("segmind", "0b7f6a52-6f8e-4f5e-9d57-3c4c7e1a9b21", "COMPLETED", null, default);
    }

    private static LedgerEvent Saved(string jobId, string sha) => new()
    {
        JobId = jobId,
        State = JobState.Succeeded,
        Outputs = [new LedgerOutput { Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = sha }],
    };

    private static LedgerOutput Stored(string sha) => new()
    {
        Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = sha, ObjectKey = "p/a.mp4", ObjectUrl = "s3://b/p/a.mp4", StoredAt = StoredAt,
    };

    private static LedgerEvent Generated(string jobId, params string[] urls) => new()
    {
        JobId = jobId,
        State = JobState.Generated,
        ResultUrl = urls[0],
        Outputs = urls.Select((u, i) => new LedgerOutput { Index = i + 1, ResultUrl = u }).ToList(),
    };

    /// <summary>A copy source with pending jobs and one event each (no backend involved).</summary>
    private sealed class InMemorySource(IEnumerable<JobSpec> specs) : ILedger
    {
        private readonly List<LedgerJob> _jobs = specs.Select(s => new LedgerJob { Spec = s, State = JobState.Pending, UpdatedAt = Start }).ToList();

        public string Location => "memory";

        public IReadOnlyList<string> Notices => [];

        public string? RollbackWarning => null;

        public Task<LedgerSyncResult> SyncJobsAsync(IEnumerable<JobSpec> jobs, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task AppendAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LedgerJob?> GetJobAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(_jobs.FirstOrDefault(j => j.Id == jobId));

        public IAsyncEnumerable<LedgerJob> ReadJobsAsync(CancellationToken cancellationToken) => _jobs.ToAsyncEnumerable();

        public IAsyncEnumerable<LedgerJob> ReadJobsAsync(string provider, CancellationToken cancellationToken, int pageSize = 1000) => _jobs.Where(j => j.Provider == provider).ToAsyncEnumerable();

        public IAsyncEnumerable<LedgerEvent> ReadEventsAsync(string? jobId, CancellationToken cancellationToken) =>
            _jobs.Select(j => new LedgerEvent { JobId = j.Id, State = JobState.Pending, Time = Start, Note = "added from the manifest" }).ToAsyncEnumerable();

        public Task<IReadOnlyDictionary<JobState, int>> CountByStateAsync(string? provider, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetMetaAsync(string key, string value, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task<IReadOnlyDictionary<string, string>> ReadMetaAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["name"] = "copied" });

        public Task<BatchGen.Core.Reviews.ReviewData> ReadReviewsAsync(CancellationToken cancellationToken) => Task.FromResult(BatchGen.Core.Reviews.ReviewData.Empty);

        public Task<bool> RecordWebhookAsync(string provider, string remoteId, string status, string? jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<UploadRecord> ReadUploadsAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<UploadRecord>();

        public IAsyncEnumerable<RecordedWebhook> ReadWebhooksAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<RecordedWebhook>();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The contract suite against a SQLite file.</summary>
public sealed class SqliteLedgerContractTests : LedgerContractTests
{
    protected override async Task<ILedgerImport> OpenAsync() => await SqliteLedger.OpenAsync(LedgerPath, Time, default);

    protected override async Task<ILedger> OpenReadOnlyAsync() => await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
}

/// <summary>The contract suite against the test PostgreSQL cluster (one database for the class, one batch per test).</summary>
public sealed class PostgresLedgerContractTests(PostgresDatabase database) : LedgerContractTests, IClassFixture<PostgresDatabase>
{
    private readonly BatchGen.Ledger.Postgres.PostgresBatch _batch = new("contract", Guid.NewGuid().ToString("N"));

    protected override async Task<ILedgerImport> OpenAsync() =>
        await BatchGen.Ledger.Postgres.PostgresLedger.OpenAsync(BatchGen.Ledger.Postgres.PostgresAddress.Parse(database.ConnectionString), _batch, Time, default);

    protected override async Task<ILedger> OpenReadOnlyAsync() =>
        await BatchGen.Ledger.Postgres.PostgresLedger.OpenReadOnlyAsync(BatchGen.Ledger.Postgres.PostgresAddress.Parse(database.ConnectionString), _batch, Time, default);
}
