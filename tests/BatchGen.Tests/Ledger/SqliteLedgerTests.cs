using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// What only the SQLite ledger does: its writer batches queued appends into one transaction, money is exact decimal
/// text. What every backend does (sync, append, read, reopen) is in <see cref="LedgerContractTests"/>, run on both.
/// </summary>
public sealed class SqliteLedgerTests : LedgerTestBase
{
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
