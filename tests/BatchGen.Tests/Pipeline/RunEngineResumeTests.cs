using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Tests.Simulator;

namespace BatchGen.Tests.Pipeline;

/// <summary>Second runs over the same ledger: retries of failed jobs re-enter at the step that does not pay again.</summary>
public sealed class RunEngineResumeTests
{
    /// <summary>
    /// Regression: a task re-attached after a "deadline" failure kept its old submit time, so its deadline had already
    /// passed and the retry failed it again without a single poll, even though the task had finished meanwhile.
    /// </summary>
    [Fact]
    public async Task RunAsync_RetryAfterDeadlineOnceTaskFinished_RepollsAndSucceedsWithoutResubmit()
    {
        var simClock = new FakeTimeProvider(SimTestHost.Start); // the simulator's tasks only progress when this clock moves
        await using var h = await PipelineHarness.StartAsync(simulatorClock: simClock);
        h.Providers[ProviderNames.GmiCloud].JobDeadline = TimeSpan.FromMilliseconds(300);
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 2).ToList();

        var first = await h.RunAsync(jobs);
        first.Count(JobState.Failed).ShouldBe(2);
        (await h.JobsByIdAsync()).Values.ShouldAllBe(j => j.ErrorCode == "deadline" && j.RemoteId != null);

        simClock.Advance(TimeSpan.FromMinutes(1));
        var retry = await h.RunAsync(jobs, o => WithRetry(o, RetryFailedMode.Retryable));

        retry.Count(JobState.Succeeded).ShouldBe(2);
        foreach (var job in jobs)
        {
            h.CreatedTasks(job.Id).ShouldBe(1, job.Id);
        }
    }

    [Fact]
    public async Task RunAsync_RetryableOnlyAfterGenerationFailure_NotSubmittedAgain()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Segmind].Faults.TaskFailed = 1.0);
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 1).ToList();
        await h.RunAsync(jobs);

        var retry = await h.RunAsync(jobs, o => WithRetry(o, RetryFailedMode.Retryable));

        retry.Count(JobState.Failed).ShouldBe(1);
        h.CreatedTasks(jobs[0].Id).ShouldBe(1, "a permanent failure is not taken up by retry --failed");
    }

    /// <summary>
    /// Regression: a job retried with --all-failed kept its first submit time in the ledger, and the new task's deadline
    /// was counted from it: a failure older than the job deadline was resubmitted (paid) and failed at once as "deadline".
    /// </summary>
    [Fact]
    public async Task RunAsync_RetryAllFailedLongAfterFirstSubmit_NewTaskGetsItsOwnDeadline()
    {
        await using var h = await PipelineHarness.StartAsync();
        h.Providers[ProviderNames.Segmind].JobDeadline = TimeSpan.FromSeconds(20);
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 1).ToList();
        await SeedOldFailureAsync(h, jobs[0], TimeSpan.FromHours(1));

        var retry = await h.RunAsync(jobs, o => WithRetry(o, RetryFailedMode.All));

        retry.Count(JobState.Succeeded).ShouldBe(1);
        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
    }

    /// <summary>Records, an <paramref name="age"/> ago, a submit of <paramref name="job"/> whose task failed permanently.</summary>
    private static async Task SeedOldFailureAsync(PipelineHarness h, JobSpec job, TimeSpan age)
    {
        h.LedgerClock.Offset = -age;
        await h.Ledger.SyncJobsAsync([job], CancellationToken.None);
        await h.Ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitting, Attempt = 1 }, CancellationToken.None);
        await h.Ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitted, Attempt = 1, RemoteId = "old-task" }, CancellationToken.None);
        await h.Ledger.AppendAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Failed,
            ErrorClass = ErrorClass.Permanent,
            ErrorCode = "generation_failed",
            ErrorMessage = "segmind task old-task: failed",
        }, CancellationToken.None);
        h.LedgerClock.Offset = TimeSpan.Zero;
    }

    /// <summary>
    /// Regression: retry --failed put a job whose result URL had expired back to pending, so it was generated (and paid
    /// for) again; it now asks the finished task for a fresh URL instead.
    /// </summary>
    [Fact]
    public async Task RunAsync_RetryFailedAfterExpiredUrl_AsksTheTaskAgainWithoutResubmit()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Segmind].Faults.ExpiredUrl = 1.0);
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 1).ToList();
        await h.RunAsync(jobs);
        var pollsBefore = h.Stats(ProviderNames.Segmind).Polls;

        await h.RunAsync(jobs, o => WithRetry(o, RetryFailedMode.Retryable));

        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
        h.Stats(ProviderNames.Segmind).Polls.ShouldBeGreaterThan(pollsBefore);
        (await h.JobsByIdAsync())[jobs[0].Id].ErrorCode.ShouldBe("expired");
    }

    private static RunOptions WithRetry(RunOptions o, RetryFailedMode mode) => new()
    {
        OutputDirectory = o.OutputDirectory,
        RetryBaseDelay = o.RetryBaseDelay,
        RetryMaxDelay = o.RetryMaxDelay,
        RetryFailed = mode,
    };
}
