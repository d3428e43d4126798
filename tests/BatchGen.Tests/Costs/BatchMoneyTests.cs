using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Tests.Ledger;

namespace BatchGen.Tests.Costs;

/// <summary>Spent, reserved and estimated: one definition, a pure function of the ledger's rows.</summary>
public sealed class BatchMoneyTests
{
    [Fact]
    public void FromJobs_EveryState_SplitsSpentReservedAndEstimated()
    {
        var jobs = new[]
        {
            Job(0, JobState.Succeeded, 0.40m, actual: null),
            Job(1, JobState.Succeeded, 0.40m, actual: 0.55m),
            Job(2, JobState.Failed, 0.40m, actual: null, submitted: true),
            Job(3, JobState.Submitting, 0.40m, actual: null),
            Job(4, JobState.Submitted, 0.40m, actual: null, submitted: true),
            Job(5, JobState.Pending, 0.40m, actual: null),
        };

        var money = BatchMoney.FromJobs(jobs, new HashSet<string>(StringComparer.Ordinal));
        var charging = BatchMoney.FromJobs(jobs, new HashSet<string>(StringComparer.Ordinal) { ProviderNames.Magnific });

        money.ShouldBe(new BatchMoney(0.95m, 0.80m, 2, 2.40m));
        charging.SpentUsd.ShouldBe(1.35m, "a failed submitted job counts at its estimate on a provider that charges failures");
        money.Describe(20m).ShouldBe("spent $0.95, $0.80 reserved for 2 unresolved submits, of $20.00");
        money.Describe().ShouldBe("spent $0.95, $0.80 reserved for 2 unresolved submits; $2.40 estimated for the jobs submitted so far");
        BatchMoney.FromJobs(jobs.Reverse(), new HashSet<string>(StringComparer.Ordinal)).ShouldBe(money, "order does not matter");
    }

    private static LedgerJob Job(int index, JobState state, decimal estimate, decimal? actual, bool submitted = false) =>
        new()
        {
            Spec = LedgerTestJobs.Create(index),
            State = state,
            EstimatedCostUsd = estimate,
            ActualCostUsd = actual,
            RemoteId = submitted ? $"r{index}" : null,
            SubmittedAt = submitted ? new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero) : null,
            UpdatedAt = new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero),
        };
}
