using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class ResumePlannerTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();
    private SqliteLedger _ledger = null!;

    public async Task InitializeAsync() =>
        _ledger = await SqliteLedger.OpenAsync(Path.Combine(_dir.Path, "ledger.db"), TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task PrepareAsync_FailedDownloadWithResultUrl_BackToSubmittedToFetchTheResultAgain()
    {
        var id = await FailAsync(ErrorClass.Retryable, "truncated", remoteId: "t-1", resultUrl: "http://127.0.0.1/files/a.mp4");

        await PrepareAsync(RetryFailedMode.Retryable);

        (await StateAsync(id)).ShouldBe(JobState.Submitted);
    }

    [Fact]
    public async Task PrepareAsync_ExpiredResultUrl_BackToSubmittedToAskForAFreshOne()
    {
        var id = await FailAsync(ErrorClass.Retryable, "expired", remoteId: "t-1", resultUrl: "http://127.0.0.1/files/a.mp4");

        await PrepareAsync(RetryFailedMode.Retryable);

        (await StateAsync(id)).ShouldBe(JobState.Submitted);
    }

    [Theory]
    [InlineData("deadline")]
    [InlineData("timeout")]
    [InlineData("server_error")]
    public async Task PrepareAsync_RepollableFailureWithRemoteId_BackToSubmittedNotResubmitted(string code)
    {
        var id = await FailAsync(ErrorClass.Retryable, code, remoteId: "t-1");

        await PrepareAsync(RetryFailedMode.Retryable);

        (await StateAsync(id)).ShouldBe(JobState.Submitted);
    }

    [Fact]
    public async Task PrepareAsync_RetryableFailureWithoutRemoteId_BackToPending()
    {
        var id = await FailAsync(ErrorClass.Retryable, "server_error", remoteId: null);

        await PrepareAsync(RetryFailedMode.Retryable);

        (await StateAsync(id)).ShouldBe(JobState.Pending);
    }

    [Fact]
    public async Task PrepareAsync_PermanentFailureRetryableMode_StaysFailed()
    {
        var id = await FailAsync(ErrorClass.Permanent, "generation_failed", remoteId: "t-1");

        await PrepareAsync(RetryFailedMode.Retryable);

        (await StateAsync(id)).ShouldBe(JobState.Failed);
    }

    [Fact]
    public async Task PrepareAsync_PermanentFailureAllMode_BackToPending()
    {
        var id = await FailAsync(ErrorClass.Permanent, "generation_failed", remoteId: "t-1");

        await PrepareAsync(RetryFailedMode.All);

        (await StateAsync(id)).ShouldBe(JobState.Pending);
    }

    [Fact]
    public async Task PrepareAsync_NoRetryAsked_FailedJobsStayFailed()
    {
        var id = await FailAsync(ErrorClass.Retryable, "deadline", remoteId: "t-1");

        await PrepareAsync(RetryFailedMode.None);

        (await StateAsync(id)).ShouldBe(JobState.Failed);
    }

    [Fact]
    public async Task PrepareAsync_RetryFailedLeavesPermanentFailures_ReportSaysWhichAndHowToTakeThemUp()
    {
        await FailAsync(ErrorClass.Permanent, "not_found", remoteId: "t-1");

        var report = await PrepareAsync(RetryFailedMode.Retryable);

        report.Retried.ShouldBe(0);
        report.LeftFailed.ShouldBe(new Dictionary<string, int> { ["not_found"] = 1 });
        var line = report.Describe();
        line.ShouldNotBeNull();
        line.ShouldContain("nothing retried");
        line.ShouldContain("not_found x1");
        line.ShouldContain("--all-failed");
    }

    [Fact]
    public async Task PrepareAsync_RetryWithNoFailedJob_ReportSaysThereIsNothingToRetry()
    {
        var report = await PrepareAsync(RetryFailedMode.Retryable);

        report.Describe().ShouldBe("retry: no failed job in the ledger; nothing to retry");
    }

    [Fact]
    public async Task PrepareAsync_PlainRun_ReportSaysNothing()
    {
        await FailAsync(ErrorClass.Permanent, "not_found", remoteId: "t-1");

        (await PrepareAsync(RetryFailedMode.None)).Describe().ShouldBeNull();
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PrepareAsync_SyncAddedEveryJob_NothingToRetryAsTheFullPassFinds()
    {
        var added = await _ledger.SyncJobsAsync(PipelineHarness.Jobs(ProviderNames.GmiCloud, 3), CancellationToken.None);
        added.ShouldBe(new LedgerSyncResult(3, 0, 0));

        var skipped = await PrepareAsync(RetryFailedMode.Retryable, added);
        var full = await PrepareAsync(RetryFailedMode.Retryable);

        skipped.Retried.ShouldBe(full.Retried);
        skipped.LeftFailed.ShouldBeEmpty();
        full.LeftFailed.ShouldBeEmpty();
        skipped.Mode.ShouldBe(full.Mode);
    }

    [Fact]
    public async Task PrepareAsync_SyncFoundJobsAlready_ReadsTheLedgerAndRetriesTheFailedOne()
    {
        var id = await FailAsync(ErrorClass.Retryable, "server_error", remoteId: null);
        var again = await _ledger.SyncJobsAsync(PipelineHarness.Jobs(ProviderNames.GmiCloud, 1), CancellationToken.None);
        again.ShouldBe(new LedgerSyncResult(0, 1, 0));

        (await PrepareAsync(RetryFailedMode.Retryable, again)).Retried.ShouldBe(1);

        (await StateAsync(id)).ShouldBe(JobState.Pending);
    }

    private async Task<string> FailAsync(ErrorClass errorClass, string code, string? remoteId, string? resultUrl = null)
    {
        var job = PipelineHarness.Jobs(ProviderNames.GmiCloud, 1).Single();
        await _ledger.SyncJobsAsync([job], CancellationToken.None);
        await _ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitting, Attempt = 1 }, CancellationToken.None);
        if (remoteId is not null)
        {
            await _ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitted, RemoteId = remoteId }, CancellationToken.None);
        }

        if (resultUrl is not null)
        {
            await _ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Generated, ResultUrl = resultUrl }, CancellationToken.None);
        }

        await _ledger.AppendAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Failed,
            ErrorClass = errorClass,
            ErrorCode = code,
            ErrorMessage = "gmicloud: failed",
        }, CancellationToken.None);
        return job.Id;
    }

    private Task<RetryReport> PrepareAsync(RetryFailedMode mode) =>
        ResumePlanner.PrepareAsync(_ledger, Request(mode), TimeProvider.System, CancellationToken.None);

    private Task<RetryReport> PrepareAsync(RetryFailedMode mode, LedgerSyncResult sync) =>
        ResumePlanner.PrepareAsync(_ledger, Request(mode), sync, TimeProvider.System, CancellationToken.None);

    private RunRequest Request(RetryFailedMode mode) => new()
    {
        Jobs = [],
        Providers = ProviderCatalog.CreateDefaults(),
        Adapters = new Dictionary<string, IProviderAdapter>(),
        Ledger = _ledger,
        Downloader = new VideoDownloader(_http, TimeProvider.System),
        Options = new RunOptions { OutputDirectory = _dir.Path, RetryFailed = mode },
    };

    private async Task<JobState> StateAsync(string id) => (await _ledger.GetJobAsync(id, CancellationToken.None))!.State;
}
