using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline.Fleet;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Fleet;

/// <summary>Which recorded events end a worker's hold on a job (its lease is released).</summary>
public sealed class FleetSessionTests
{
    [Theory]
    [InlineData(JobState.Succeeded, null, null, true)]
    [InlineData(JobState.Failed, ErrorClass.Permanent, null, true)]
    [InlineData(JobState.Blocked, ErrorClass.Account, null, true)]
    [InlineData(JobState.Submitting, null, null, false)]
    [InlineData(JobState.Submitting, ErrorClass.Retryable, null, true)]
    [InlineData(JobState.Pending, ErrorClass.Retryable, "submit refused; retrying", false)]
    [InlineData(JobState.Pending, ErrorClass.Retryable, "submit refused until retries ran out; left pending for the next run", true)]
    [InlineData(JobState.Submitted, null, null, false)]
    [InlineData(JobState.Running, ErrorClass.Account, null, true)]
    [InlineData(JobState.Generated, null, null, false)]
    public void EndsHold_Event_ReleasesOnlyAtTheEndOfTheWorkersPart(JobState state, ErrorClass? error, string? note, bool expected) =>
        FleetSession.EndsHold(new LedgerEvent { JobId = "j", State = state, ErrorClass = error, Note = note }).ShouldBe(expected);
}
