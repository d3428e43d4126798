using System.Diagnostics;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The writer's commit delay on a real SQLite file: after a commit of several events, the next commit waits until as
/// many appends are queued (or the delay has passed), so appends arriving one by one share one transaction; a lone
/// caller never waits; every awaited append is committed (and the mark moved) when it returns. While appends pour in
/// (the previous batch gathered within the busy delay) the wait may last the busy delay instead. The tests set long
/// delays so that what ends a wait is the appends, never the clock.
/// </summary>
public sealed class LedgerGroupCommitTests : LedgerTestBase
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Writer_AfterACommitOfTwo_AppendsArrivingOneByOne_WaitForEachOther_AndShareOneCommit()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 5).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var writer = ledger.Writer!;
        writer.CommitDelay = Long;
        await CommitOneThenTwoAsync(ledger, jobs);
        var commits = writer.Commits;

        var first = Submitting(ledger, jobs[3]);
        await Until(() => writer.Waiting && writer.Queued == 1, "the writer waits with the first append queued");
        first.IsCompleted.ShouldBeFalse("the previous commit held two: the writer waits for a second append");
        var second = Submitting(ledger, jobs[4]);
        await Task.WhenAll(first, second).WaitAsync(Long / 2);

        (writer.Commits - commits).ShouldBe(1, "the two appends share one transaction");
        QueryRaw("SELECT CAST(COUNT(*) AS TEXT) FROM events WHERE state = 1;").ShouldBe("5", "both are committed when they return");
        MarkValue().ShouldBe(MaxSeq(), "and the mark covers them");
    }

    [Fact]
    public async Task Writer_LoneCallerAwaitingEachAppend_NeverWaits()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 20).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var writer = ledger.Writer!;
        writer.CommitDelay = Long;
        var commits = writer.Commits;

        foreach (var job in jobs)
        {
            // A wait would last the whole (long) delay: each append must return well before it.
            await Submitting(ledger, job).WaitAsync(Long / 3);
            QueryRaw($"SELECT CAST(COUNT(*) AS TEXT) FROM events e JOIN jobs j ON j.seq = e.job_seq WHERE j.id = '{job.Id}' AND e.state = 1;")
                .ShouldBe("1", "an awaited append is committed when it returns");
        }

        (writer.Commits - commits).ShouldBe(jobs.Count, "one caller, one event per commit");
        MarkValue().ShouldBe(MaxSeq());
    }

    [Fact]
    public async Task Writer_FewerAppendsThanThePreviousCommit_TheDelayEndsTheWait()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 4).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var writer = ledger.Writer!;
        // Short enough for a test, long enough to be seen; nothing but the delay can end this wait.
        writer.CommitDelay = TimeSpan.FromSeconds(2);
        await CommitOneThenTwoAsync(ledger, jobs);
        var commits = writer.Commits;

        var lone = Submitting(ledger, jobs[3]);
        await Until(() => writer.Waiting || lone.IsCompleted, "the writer waits for a second append");
        lone.IsCompleted.ShouldBeFalse("the previous commit held two: the writer waits for a second append first");
        await lone.WaitAsync(Long);

        (writer.Commits - commits).ShouldBe(1);
        writer.Waiting.ShouldBeFalse();
        MarkValue().ShouldBe(MaxSeq());
    }

    [Fact]
    public async Task Writer_AppendsPouringIn_WaitLongerThanTheCommitDelay_AndShareOneCommit()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 5).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var writer = ledger.Writer!;
        // The base delay alone would let job 3's append go alone long before job 4's is queued; the busy one may not end
        // the wait in this test: the previous commit (two events) gathered in well under it.
        writer.CommitDelay = TimeSpan.FromMilliseconds(1);
        writer.BusyCommitDelay = Long;
        await CommitOneThenTwoAsync(ledger, jobs);
        var commits = writer.Commits;

        var first = Submitting(ledger, jobs[3]);
        await Until(() => writer.Waiting && writer.Queued == 1, "the writer waits with the first append queued");
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        first.IsCompleted.ShouldBeFalse("appends poured in: the writer waits past the 1 ms commit delay");
        var second = Submitting(ledger, jobs[4]);
        await Task.WhenAll(first, second).WaitAsync(Long / 2);

        (writer.Commits - commits).ShouldBe(1, "the two appends share one transaction");
        MarkValue().ShouldBe(MaxSeq());
    }

    [Theory]
    [InlineData(1, 6, null, 1)] // no batch before: the commit delay
    [InlineData(1, 6, 2.5, 6)] // the previous batch gathered in 2.5 ms: the next one is expected as soon
    [InlineData(1, 6, 6.0, 6)]
    [InlineData(1, 6, 40.0, 1)] // sparse appends (a few dozen per second): a longer wait would only delay them
    [InlineData(0, 6, 2.5, 0)] // a commit delay of zero never waits
    [InlineData(3, 2, 1.0, 3)] // a busy delay below the commit delay never shortens it
    public void WaitLimit_IsTheBusyDelay_OnlyWhenThePreviousBatchGatheredWithinIt(double commitMs, double busyMs, double? gatheredMs, double expectedMs)
    {
        LedgerWriter.WaitLimit(
                TimeSpan.FromMilliseconds(commitMs),
                TimeSpan.FromMilliseconds(busyMs),
                gatheredMs is { } g ? TimeSpan.FromMilliseconds(g) : null)
            .ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public async Task Dispose_WhileTheWriterWaits_CommitsWhatIsQueued_AndReturnsAtOnce()
    {
        var jobs = LedgerTestJobs.Range(0, 4).ToList();
        Task lone;
        var stopwatch = Stopwatch.StartNew();
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(jobs, default);
            var writer = ledger.Writer!;
            writer.CommitDelay = Long;
            await CommitOneThenTwoAsync(ledger, jobs);
            lone = Submitting(ledger, jobs[3]);
            await Until(() => writer.Waiting && writer.Queued == 1, "the writer waits with the append queued");
            stopwatch.Restart();
        }

        stopwatch.Elapsed.ShouldBeLessThan(Long / 2, "closing the ledger ends the wait");
        await lone;
        await using var reopened = await CreateSut();
        (await reopened.CountByStateAsync(null, default))[JobState.Submitting].ShouldBe(4);
    }

    /// <summary>
    /// Leaves the writer with a previous commit of two events (jobs 1 and 2), after one of job 0: job 0's append is
    /// taken alone while a job sync holds the writer, and the other two queue behind it.
    /// </summary>
    private static async Task CommitOneThenTwoAsync(SqliteLedger ledger, List<JobSpec> jobs)
    {
        var writer = ledger.Writer!;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var busy = Task.Run(() => writer.ExclusiveAsync(_ => { entered.Set(); return release.Wait(Long); }, default));
        entered.Wait(Long).ShouldBeTrue();
        var commits = writer.Commits;
        Task[] appends;
        try
        {
            var alone = Submitting(ledger, jobs[0]);
            await Until(() => writer.Queued == 0, "the writer took job 0's append and waits for the gate");
            appends = [alone, Submitting(ledger, jobs[1]), Submitting(ledger, jobs[2])];
            await Until(() => writer.Queued == 2, "jobs 1 and 2 are queued");
        }
        finally
        {
            release.Set();
        }

        (await busy).ShouldBeTrue();
        await Task.WhenAll(appends).WaitAsync(Long);
        (writer.Commits - commits).ShouldBe(2, "job 0 alone, then jobs 1 and 2 together");
    }

    private static Task Submitting(SqliteLedger ledger, JobSpec job) =>
        ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitting, Attempt = 1 }, default);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: the writer's state is observed, never assumed after a sleep.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            stopwatch.Elapsed.ShouldBeLessThan(Long, $"timed out waiting until {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(2));
        }
    }

    private long MarkValue()
    {
        var parts = File.ReadAllText(LedgerPath + ".mark").Trim().Split(' ');
        return long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
    }

    private long MaxSeq() => long.Parse(QueryRaw("SELECT CAST(MAX(seq) AS TEXT) FROM events;")!, System.Globalization.CultureInfo.InvariantCulture);
}
