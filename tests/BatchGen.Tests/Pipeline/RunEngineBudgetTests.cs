using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;

namespace BatchGen.Tests.Pipeline;

/// <summary>Budget caps as the engine applies them: which submits they stop, and which they let through.</summary>
public sealed class RunEngineBudgetTests
{
    [Fact]
    public async Task RunAsync_ProviderCapReached_StopsOnlyThatProvider()
    {
        await using var h = await PipelineHarness.StartAsync();
        // Segmind 540p 5 s costs $0.375 by default: a $1.00 cap pays for two of its four jobs.
        h.Providers[ProviderNames.Segmind].MaxCost = 1.00m;
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 4).Concat(PipelineHarness.Jobs(ProviderNames.GmiCloud, 4)).ToList();

        var summary = await h.RunAsync(jobs);

        summary.StopReason.ShouldBe(RunStopReason.BudgetReached);
        var ledger = await h.JobsByIdAsync();
        jobs.Where(j => j.Provider == ProviderNames.GmiCloud).ShouldAllBe(j => ledger[j.Id].State == JobState.Succeeded);
        jobs.Count(j => j.Provider == ProviderNames.Segmind && ledger[j.Id].State == JobState.Succeeded).ShouldBe(2);
        jobs.Count(j => j.Provider == ProviderNames.Segmind && ledger[j.Id].State == JobState.Pending).ShouldBe(2);
        summary.BudgetRemainingJobs.ShouldBe(2);
        summary.BudgetRemainingCostUsd.ShouldBe(0.75m);
    }

    [Fact]
    public async Task RunAsync_UnpricedJobUnderACap_HeldWithReasonNeverSubmitted()
    {
        await using var h = await PipelineHarness.StartAsync();
        h.Providers[ProviderNames.GmiCloud].Pricing.Base.Remove("540p");
        var jobs = PipelineHarness.Jobs(ProviderNames.GmiCloud, 2).ToList();

        var summary = await h.RunAsync(jobs, o => new RunOptions
        {
            OutputDirectory = o.OutputDirectory,
            RetryBaseDelay = o.RetryBaseDelay,
            RetryMaxDelay = o.RetryMaxDelay,
            MaxCostUsd = 10m,
        });

        summary.Count(JobState.Blocked).ShouldBe(2);
        var ledger = await h.JobsByIdAsync();
        jobs.ShouldAllBe(j => ledger[j.Id].ErrorMessage!.Contains("no price for 540p x 5s", StringComparison.Ordinal));
        h.Stats(ProviderNames.GmiCloud).SubmitAttempts.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_SharedPeriodCapsWithoutAFleet_RefusedBeforeAnySubmit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 2).ToList();

        // Caps meant for a fleet's database, on a run that has none: never a run with its caps unchecked.
        var ex = await Should.ThrowAsync<ArgumentException>(() => h.RunAsync(jobs, o => new RunOptions
        {
            OutputDirectory = o.OutputDirectory,
            SharedPeriodCaps = new BatchGen.Core.Costs.Periods.SharedPeriodCaps(new BatchGen.Core.Costs.Periods.PeriodCaps(1m, null), TimeZoneInfo.Utc, () => DateTimeOffset.UnixEpoch),
        }));

        ex.Message.ShouldContain("period caps to share in a fleet, but the run has no fleet");
        h.Stats(ProviderNames.Segmind).SubmitAttempts.ShouldBe(0);
    }
}
