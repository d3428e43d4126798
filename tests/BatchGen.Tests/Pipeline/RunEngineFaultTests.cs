using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Http;
using BatchGen.Simulator;
using BatchGen.Tests.Simulator;

namespace BatchGen.Tests.Pipeline;

/// <summary>
/// Each fault the simulator injects ends in the right ledger state with a classified reason. Fault draws are a pure
/// function of the seed and the job ids, so every run of a test sees the same faults.
/// </summary>
public sealed class RunEngineFaultTests
{
    [Theory]
    [InlineData("http_500")]
    [InlineData("http_502")]
    public async Task RunAsync_ServerErrorOnSubmit_LeftAmbiguousNeverSentTwice(string fault)
    {
        // A 500 or 502 may come from a gateway after the backend created the task: never resubmitted.
        await using var h = await PipelineHarness.StartAsync(s => SetServerFault(s.Providers[ProviderNames.GmiCloud].Faults, fault, 0.5));
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 8).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Ambiguous.ShouldBeGreaterThan(0);
        (summary.Count(JobState.Succeeded) + summary.Ambiguous).ShouldBe(8);
        var ledger = await h.JobsByIdAsync();
        foreach (var job in jobs)
        {
            h.CreatedTasks(job.Id).ShouldBeLessThanOrEqualTo(1, job.Id);
            if (ledger[job.Id].State == JobState.Submitting)
            {
                ledger[job.Id].ErrorCode.ShouldBe(ErrorCodes.ServerError);
            }
        }
    }

    [Theory]
    [InlineData("http_503")]
    public async Task RunAsync_ServerErrorsOnSubmitAndPoll_RetriedEveryJobSucceedsWithOneSubmit(string fault)
    {
        await using var h = await PipelineHarness.StartAsync(s => SetServerFault(s.Providers[ProviderNames.GmiCloud].Faults, fault, 0.5));
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 8).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(8);
        var stats = h.Stats(ProviderNames.GmiCloud);
        stats.ServerErrors.ShouldBeGreaterThan(0);
        stats.SubmitAttempts.ShouldBeGreaterThan(stats.Submits, "some submits got a 5xx and were sent again");
        foreach (var job in jobs)
        {
            h.CreatedTasks(job.Id).ShouldBe(1, job.Id);
        }
    }

    [Fact]
    public async Task RunAsync_ConnectionResetOnSubmit_LeavesJobAmbiguousAndNeverResubmits()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.GmiCloud].Faults.ConnectionReset = 1.0);
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 2).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Ambiguous.ShouldBe(2);
        var ledger = await h.JobsByIdAsync();
        foreach (var job in jobs)
        {
            ledger[job.Id].State.ShouldBe(JobState.Submitting);
            ledger[job.Id].ErrorCode.ShouldBe("connection");
            ledger[job.Id].RemoteId.ShouldBeNull();
            h.CreatedTasks(job.Id).ShouldBe(1, "the simulator created the task before dropping the connection");
        }

        h.Stats(ProviderNames.GmiCloud).SubmitAttempts.ShouldBe(2, "an ambiguous submit is never retried");
    }

    /// <summary>
    /// Magnific can list its tasks, but here the list call is reset as well: the provider cannot be asked, so the job
    /// stays ambiguous across runs and is never submitted again.
    /// </summary>
    [Fact]
    public async Task RunAsync_ConnectionResetOnMagnificSubmit_StaysAmbiguousOnRerunWithoutResubmit()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Magnific].Faults.ConnectionReset = 1.0);
        var jobs = PipelineHarness.Jobs(ProviderNames.Magnific, 1).ToList();

        await h.RunAsync(jobs);
        var second = await h.RunAsync(jobs);

        second.Ambiguous.ShouldBe(1);
        (await h.JobsByIdAsync())[jobs[0].Id].State.ShouldBe(JobState.Submitting);
        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
        h.Stats(ProviderNames.Magnific).SubmitAttempts.ShouldBe(1);
    }

    /// <summary>
    /// The reply of a Magnific submit was lost after the task was created: on the next run the task list holds a task
    /// the ledger does not know, which cannot be matched to the job with certainty, so the job stays ambiguous.
    /// </summary>
    [Fact]
    public async Task RunAsync_MagnificReplyLostAfterTaskCreated_ListShowsUnknownTaskJobStaysAmbiguous()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Magnific, 1).ToList();
        await h.RunAsync(jobs, wrap: a => new LostReplyAdapter(a, send: true));

        var second = await h.RunAsync(jobs);

        second.Ambiguous.ShouldBe(1);
        (await h.JobsByIdAsync())[jobs[0].Id].State.ShouldBe(JobState.Submitting);
        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
    }

    /// <summary>
    /// A Magnific submit timed out before reaching the provider: on the next run the task list holds no task the ledger
    /// does not know, so the submit never arrived; the job goes back to pending and is submitted once.
    /// </summary>
    [Fact]
    public async Task RunAsync_MagnificSubmitNeverArrived_ListReconcilesAndJobSucceedsOnce()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Magnific, 1).ToList();
        var first = await h.RunAsync(jobs, wrap: a => new LostReplyAdapter(a, send: false));
        first.Ambiguous.ShouldBe(1);

        var second = await h.RunAsync(jobs);

        second.Count(JobState.Succeeded).ShouldBe(1);
        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
        (await h.EventsAsync(jobs[0].Id)).ShouldContain(e => e.State == JobState.Pending && e.Note != null && e.Note.StartsWith("ambiguous submit reconciled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SlowSubmitPastRequestTimeout_TimesOutAndLeavesJobAmbiguous()
    {
        await using var h = await PipelineHarness.StartAsync(s =>
        {
            s.Providers[ProviderNames.Segmind].Faults.SlowResponse = 1.0;
            s.Providers[ProviderNames.Segmind].Faults.SlowResponseSeconds = 3;
        });
        h.Providers[ProviderNames.Segmind].RequestTimeout = TimeSpan.FromMilliseconds(300);
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 1).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Ambiguous.ShouldBe(1);
        var job = (await h.JobsByIdAsync())[jobs[0].Id];
        job.State.ShouldBe(JobState.Submitting);
        job.ErrorCode.ShouldBe("timeout");
        h.Stats(ProviderNames.Segmind).SubmitAttempts.ShouldBe(1, "a submit that timed out is never retried");
    }

    [Fact]
    public async Task RunAsync_SomeSlowReplies_PollsRetriedSubmitsAmbiguousNothingSentTwice()
    {
        await using var h = await PipelineHarness.StartAsync(s =>
        {
            s.Providers[ProviderNames.AimlApi].Faults.SlowResponseSeconds = 30;
            s.Providers[ProviderNames.AimlApi].Faults.SlowResponse = 0.3;
        });
        // Far apart on purpose: a slow reply (30 s) always times out, an ordinary one answers well within the timeout
        // even on a loaded machine (300 ms was not always enough there).
        h.Providers[ProviderNames.AimlApi].RequestTimeout = TimeSpan.FromSeconds(3);
        var jobs = PipelineHarness.Jobs(ProviderNames.AimlApi, 6).ToList();

        await h.RunAsync(jobs);

        var ledger = await h.JobsByIdAsync();
        foreach (var job in jobs)
        {
            var row = ledger[job.Id];
            (row.State == JobState.Succeeded || (row.State == JobState.Submitting && row.ErrorCode == "timeout")).ShouldBeTrue($"{job.Id}: {row.State} {row.ErrorCode}");
            h.CreatedTasks(job.Id).ShouldBeLessThanOrEqualTo(1);
        }

        ledger.Values.Count(j => j.State == JobState.Succeeded).ShouldBeGreaterThan(0);
        h.Stats(ProviderNames.AimlApi).SlowResponses.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task RunAsync_MalformedJsonReplies_PollsRetriedSubmitsAmbiguousNoneFailed()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Pixwith].Faults.MalformedJson = 0.3);
        var jobs = PipelineHarness.Jobs(ProviderNames.Pixwith, 8).ToList();

        await h.RunAsync(jobs);

        var ledger = await h.JobsByIdAsync();
        foreach (var job in jobs)
        {
            var row = ledger[job.Id];
            (row.State == JobState.Succeeded || (row.State == JobState.Submitting && row.ErrorCode == "malformed_reply")).ShouldBeTrue($"{job.Id}: {row.State} {row.ErrorCode}");
            h.CreatedTasks(job.Id).ShouldBe(1, job.Id);
        }

        ledger.Values.Count(j => j.State == JobState.Succeeded).ShouldBeGreaterThan(0);
        h.Stats(ProviderNames.Pixwith).MalformedJson.ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task RunAsync_TaskFailed_FailedPermanentGenerationFailed(string provider)
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[provider].Faults.TaskFailed = 1.0);
        var jobs = PipelineHarness.Jobs(provider, 2).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Failed).ShouldBe(2);
        foreach (var job in (await h.JobsByIdAsync()).Values)
        {
            job.ErrorClass.ShouldBe(ErrorClass.Permanent);
            job.ErrorCode.ShouldBe("generation_failed");
            job.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
            h.CreatedTasks(job.Id).ShouldBe(1);
        }
    }

    /// <summary>Magnific and Pixwith report a failed task without any reason, so a moderated task there is a plain generation failure.</summary>
    [Theory]
    [InlineData(ProviderNames.AimlApi, "moderation")]
    [InlineData(ProviderNames.GmiCloud, "moderation")]
    [InlineData(ProviderNames.Segmind, "moderation")]
    [InlineData(ProviderNames.Magnific, "generation_failed")]
    [InlineData(ProviderNames.Pixwith, "generation_failed")]
    public async Task RunAsync_TaskModerated_FailedPermanentWithModerationReason(string provider, string code)
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[provider].Faults.TaskModeration = 1.0);
        var jobs = PipelineHarness.Jobs(provider, 2).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Failed).ShouldBe(2);
        foreach (var job in (await h.JobsByIdAsync()).Values)
        {
            job.ErrorClass.ShouldBe(ErrorClass.Permanent);
            job.ErrorCode.ShouldBe(code);
            h.CreatedTasks(job.Id).ShouldBe(1);
        }
    }

    [Theory]
    [InlineData(ProviderNames.Magnific)]
    [InlineData(ProviderNames.AimlApi)]
    public async Task RunAsync_TaskNeverFinishes_FailedDeadlineRemoteIdKept(string provider)
    {
        // AI/ML API answers the polls of such a task with 504 "Generation timeout" after generation_timeout_seconds.
        await using var h = await PipelineHarness.StartAsync(s =>
        {
            s.Providers[provider].Faults.TaskNeverFinishes = 1.0;
            s.Providers[provider].Faults.GenerationTimeoutSeconds = 0.2;
        });
        h.Providers[provider].JobDeadline = TimeSpan.FromSeconds(1);
        var jobs = PipelineHarness.Jobs(provider, 2).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Failed).ShouldBe(2);
        foreach (var job in (await h.JobsByIdAsync()).Values)
        {
            job.ErrorCode.ShouldBe("deadline");
            job.ErrorClass.ShouldBe(ErrorClass.Retryable);
            job.RemoteId.ShouldNotBeNull();
            h.CreatedTasks(job.Id).ShouldBe(1);
        }

        h.Stats(provider).NeverFinishingTasks.ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_TruncatedDownloads_ResumedWithRangeAndFilesVerify()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.GmiCloud].Faults.TruncatedDownload = 0.5);
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 4).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(4);
        h.Stats(ProviderNames.GmiCloud).TruncatedDownloads.ShouldBeGreaterThan(0);
        h.Stats(ProviderNames.GmiCloud).Submits.ShouldBe(4);
        foreach (var job in (await h.JobsByIdAsync()).Values)
        {
            var check = await Core.Downloads.VideoDownloader.VerifyExistingAsync(
                h.OutputDirectory, job.FilePath!, Expected(), job.Sha256, CancellationToken.None);
            check.Success.ShouldBeTrue(check.Message);
            File.Exists(Path.Combine(h.OutputDirectory, job.FilePath! + ".part")).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task RunAsync_ResultUrlExpiredOnce_RefreshedByPollingAndSucceedsWithoutNewSubmit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Magnific, 2).ToList();

        var summary = await h.RunAsync(jobs, wrap: a => new FirstUrlExpiredAdapter(a));

        summary.Count(JobState.Succeeded).ShouldBe(2);
        h.Stats(ProviderNames.Magnific).Submits.ShouldBe(2);
        foreach (var job in jobs)
        {
            var events = await h.EventsAsync(job.Id);
            events.ShouldContain(e => e.State == JobState.Generated && e.Note == "result URL refreshed");
            events.Count(e => e.State == JobState.Submitting).ShouldBe(1);
        }
    }

    /// <summary>
    /// The simulator's expired_url fault expires every URL it mints for that output (the expiry is tied to the task's
    /// completion), so refreshing cannot help: the job fails as expired after asking again, and is never regenerated.
    /// </summary>
    [Fact]
    public async Task RunAsync_ResultUrlAlwaysExpired_FailedExpiredAfterRefreshWithoutNewSubmit()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.Segmind].Faults.ExpiredUrl = 1.0);
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 1).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Failed).ShouldBe(1);
        var job = (await h.JobsByIdAsync())[jobs[0].Id];
        job.ErrorCode.ShouldBe("expired");
        job.ErrorClass.ShouldBe(ErrorClass.Retryable);
        var events = await h.EventsAsync(jobs[0].Id);
        events.ShouldContain(e => e.Note == "result URL refreshed");
        h.CreatedTasks(jobs[0].Id).ShouldBe(1);
        h.Stats(ProviderNames.Segmind).ExpiredUrls.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task RunAsync_BadApiKey_ProviderBlockedWithReasonOthersSucceed()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.GmiCloud].ApiKeys = ["the-right-key"]);
        h.Keys[ProviderNames.GmiCloud] = "a-wrong-key-123";
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 5)
            .Concat(PipelineHarness.Jobs(ProviderNames.Magnific, 3))
            .Concat(PipelineHarness.Jobs(ProviderNames.Segmind, 3))
            .ToList();

        var summary = await h.RunAsync(jobs);

        summary.BlockedProviders.Keys.ShouldContain(ProviderNames.GmiCloud);
        var ledger = await h.JobsByIdAsync();
        foreach (var job in ledger.Values)
        {
            if (job.Provider == ProviderNames.GmiCloud)
            {
                job.State.ShouldBe(JobState.Blocked);
                job.ErrorClass.ShouldBe(ErrorClass.Account);
                job.ErrorMessage!.ShouldContain("GMICLOUD_API_KEY");
                job.ErrorMessage!.ShouldNotContain("a-wrong-key-123");
            }
            else
            {
                job.State.ShouldBe(JobState.Succeeded, job.Id);
            }
        }

        h.Stats(ProviderNames.GmiCloud).Submits.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_CreditsRunOutMidRun_InFlightFinishRestBlocked()
    {
        await using var h = await PipelineHarness.StartAsync(s => s.Providers[ProviderNames.GmiCloud].Credits = new CreditScenario { Balance = 3, PricePerJob = 1 });
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 8).Concat(PipelineHarness.Jobs(ProviderNames.Magnific, 2)).ToList();

        var summary = await h.RunAsync(jobs);

        summary.BlockedProviders[ProviderNames.GmiCloud].ShouldContain("top up the account");
        var gmi = (await h.JobsByIdAsync()).Values.Where(j => j.Provider == ProviderNames.GmiCloud).ToList();
        gmi.Count(j => j.State == JobState.Succeeded).ShouldBe(3);
        gmi.Count(j => j.State == JobState.Blocked).ShouldBe(5);
        gmi.Where(j => j.State == JobState.Blocked).ShouldAllBe(j => j.ErrorClass == ErrorClass.Account && j.ErrorMessage!.Contains("HTTP 402", StringComparison.Ordinal));
        gmi.ShouldContain(j => j.ErrorCode == "credits");
        summary.Count(JobState.Succeeded).ShouldBe(5);
        h.Stats(ProviderNames.GmiCloud).Submits.ShouldBe(3);
        h.Stats(ProviderNames.GmiCloud).InsufficientCredits.ShouldBeGreaterThan(0);
    }

    private static Core.Downloads.ExpectedVideo Expected()
    {
        var (width, height) = Core.Media.FrameSize.For("540p", "16:9");
        return new Core.Downloads.ExpectedVideo(5, width, height);
    }

    public static TheoryData<string> AllProviders() => new(ProviderNames.All);

    private static void SetServerFault(FaultScenario faults, string fault, double rate)
    {
        switch (fault)
        {
            case "http_500":
                faults.Http500 = rate;
                break;
            case "http_502":
                faults.Http502 = rate;
                break;
            default:
                faults.Http503 = rate;
                break;
        }
    }

    /// <summary>Every submit comes back as a timeout with no reply, after (<c>send</c>) or instead of sending it.</summary>
    private sealed class LostReplyAdapter(IProviderAdapter inner, bool send) : IProviderAdapter
    {
        public string Name => inner.Name;

        public async Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken)
        {
            if (send)
            {
                await inner.SubmitAsync(job, cancellationToken);
            }

            return new SubmitOutcome
            {
                Error = new ProviderError(ErrorClass.Retryable, $"{Name} submit of job {job.Id}: no reply before the timeout")
                {
                    Code = "timeout",
                    MayHaveBeenAccepted = true,
                },
            };
        }

        public Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken) => inner.PollAsync(remoteId, cancellationToken);

        public Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken) => inner.FetchResultAsync(remoteId, cancellationToken);
    }

    /// <summary>Hands out a broken (403) URL the first time each task succeeds, the real one afterwards.</summary>
    private sealed class FirstUrlExpiredAdapter(IProviderAdapter inner) : IProviderAdapter
    {
        private readonly HashSet<string> _broken = [];

        public string Name => inner.Name;

        public Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken) => inner.SubmitAsync(job, cancellationToken);

        public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
        {
            var poll = await inner.PollAsync(remoteId, cancellationToken);
            if (poll.State != RemoteState.Succeeded || poll.ResultUrls.Count == 0)
            {
                return poll;
            }

            lock (_broken)
            {
                if (!_broken.Add(remoteId))
                {
                    return poll;
                }
            }

            var url = poll.ResultUrls[0];
            return poll with { ResultUrls = [new Uri(url, url.AbsolutePath.Replace(".mp4", "x.mp4", StringComparison.Ordinal))] };
        }

        public Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken) => inner.FetchResultAsync(remoteId, cancellationToken);
    }
}
