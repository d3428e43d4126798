using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Pipeline;

/// <summary>The engine against the simulator with hostile keys, failing adapters and unusable output paths.</summary>
public sealed class HostileInputRunTests
{
    [Theory]
    [InlineData("k\nInjected: yes")]
    [InlineData("sim-key-magnific\r\n")]
    [InlineData("clé-non-ascii")]
    public async Task RunAsync_KeyThatCannotFormAHeader_ProviderBlockedNothingSentNothingAmbiguous(string key)
    {
        await using var h = await PipelineHarness.StartAsync();
        h.Keys[ProviderNames.Magnific] = key;
        var jobs = PipelineHarness.Jobs(ProviderNames.Magnific, 3).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Ambiguous.ShouldBe(0);
        summary.Count(JobState.Blocked).ShouldBe(3);
        summary.BlockedProviders[ProviderNames.Magnific].ShouldContain("MAGNIFIC_API_KEY");
        summary.BlockedProviders[ProviderNames.Magnific].ShouldNotContain("Injected");
        h.Stats(ProviderNames.Magnific).SubmitAttempts.ShouldBe(0);
        (await h.JobsByIdAsync()).Values.ShouldAllBe(j => j.State == JobState.Blocked);
    }

    [Fact]
    public async Task RunAsync_GmiCloudKeyWithNewline_BlockedNotStuckSubmitting()
    {
        await using var h = await PipelineHarness.StartAsync();
        h.Keys[ProviderNames.GmiCloud] = "sim-key\nX: 1";
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 2).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Ambiguous.ShouldBe(0);
        summary.Count(JobState.Blocked).ShouldBe(2);
        (await h.JobsByIdAsync()).Values.ShouldNotContain(j => j.State == JobState.Submitting);
        h.Stats(ProviderNames.GmiCloud).SubmitAttempts.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_AdapterThrowsWhileBuildingTheRequest_JobFailsAsNotSentNeverAmbiguous()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 2).ToList();

        var summary = await h.RunAsync(jobs, wrap: a => new ThrowingAdapter(a));

        summary.Ambiguous.ShouldBe(0);
        var ledger = await h.JobsByIdAsync();
        foreach (var job in jobs)
        {
            ledger[job.Id].State.ShouldBe(JobState.Failed);
            ledger[job.Id].ErrorCode.ShouldBe(ErrorCodes.NotSent);
        }
    }

    [Fact]
    public async Task RunAsync_PaidResultWhosePathIsTooLong_SavedUnderFallbackNameRecordedInLedger()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PipelineHarness.Jobs(ProviderNames.Magnific, 1).Single() with { OutputPath = "magnific/" + new string('x', 300) + ".mp4" };

        var summary = await h.RunAsync([job]);

        summary.Count(JobState.Succeeded).ShouldBe(1);
        var recorded = (await h.JobsByIdAsync())[job.Id];
        recorded.FilePath.ShouldBe(OutputPaths.FallbackPath(job.OutputPath));
        File.Exists(Path.Combine(h.OutputDirectory, recorded.FilePath!)).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_OutputSubdirectoryLinkedOutside_VideoKeptInsideUnderFallback()
    {
        await using var h = await PipelineHarness.StartAsync();
        using var elsewhere = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(h.OutputDirectory, "magnific"), elsewhere.Path);
        var job = PipelineHarness.Jobs(ProviderNames.Magnific, 1).Single();

        var summary = await h.RunAsync([job]);

        summary.Count(JobState.Succeeded).ShouldBe(1);
        Directory.EnumerateFileSystemEntries(elsewhere.Path).ShouldBeEmpty();
        var recorded = (await h.JobsByIdAsync())[job.Id];
        recorded.FilePath.ShouldNotBeNull().ShouldStartWith(OutputPaths.FallbackDirectory + "/");
        File.Exists(Path.Combine(h.OutputDirectory, recorded.FilePath)).ShouldBeTrue();
    }

    /// <summary>Fails while building every submit (before anything is sent), as a serialization bug would.</summary>
    private sealed class ThrowingAdapter(IProviderAdapter inner) : IProviderAdapter
    {
        public string Name => inner.Name;

        public Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the body could not be serialized");

        public Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken) => inner.PollAsync(remoteId, cancellationToken);

        public Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken) => inner.FetchResultAsync(remoteId, cancellationToken);
    }
}
