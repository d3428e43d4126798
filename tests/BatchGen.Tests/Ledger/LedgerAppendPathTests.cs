using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The SQLite append path's statements (prepared once, bound by position) and the mark it moves: values are stored
/// with the types Microsoft.Data.Sqlite gave them, a failing statement fails its own event only and leaves the
/// statements usable, and the mark follows every commit holding a submit to that commit's last event.
/// </summary>
public sealed class LedgerAppendPathTests : LedgerTestBase
{
    [Fact]
    public async Task Append_EveryKindOfValue_StoredWithTheColumnTypesOfBefore()
    {
        await using var ledger = await CreateSut();
        var job = LedgerTestJobs.Create(1);
        await ledger.SyncJobsAsync([job], default);

        await ledger.AppendAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Succeeded,
            Attempt = 2,
            RemoteId = "task-1",
            HttpStatus = 200,
            ErrorClass = ErrorClass.Retryable,
            ActualCostUsd = 0.0125m,
            ResultUrl = "https://cdn.example/v.mp4",
            FilePath = "aimlapi/v.mp4",
            Bytes = 4096,
            Sha256 = new string('a', 64),
            Video = new VideoFacts(1280, 720, 5.04, "h264") { Warning = "short" },
            Note = "ünïcode ✓",
        }, default);

        QueryRaw("SELECT typeof(attempts) || typeof(bytes) || typeof(video_seconds) || typeof(actual_cost_usd) || typeof(updated_at) || typeof(error_class) FROM jobs;")
            .ShouldBe("integerintegerrealtextintegernull", "error fields are cleared on success; the rest keep their types");
        QueryRaw("SELECT attempts || '|' || video_seconds || '|' || actual_cost_usd || '|' || video_width || 'x' || video_height || '|' || video_warning FROM jobs;")
            .ShouldBe("2|5.04|0.0125|1280x720|short");
        QueryRaw("SELECT typeof(http_status) || typeof(time) || typeof(state) || '|' || note || '|' || error_class FROM events WHERE remote_id = 'task-1';")
            .ShouldBe("integerintegerinteger|ünïcode ✓|retryable");
    }

    [Fact]
    public async Task Append_StatementFailsForOneEvent_OnlyThatCallFails_AndLaterAppendsStillWrite()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 4).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        // A constraint SQLite reports mid-statement: the event of job 2 cannot be inserted.
        ExecuteRaw($"CREATE TRIGGER refuse_job2 BEFORE INSERT ON events WHEN NEW.job_seq = (SELECT seq FROM jobs WHERE id = '{jobs[2].Id}') BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");

        var appends = jobs.Select(j => ledger.AppendAsync(new LedgerEvent { JobId = j.Id, State = JobState.Submitting, Attempt = 1 }, default)).ToList();

        var ex = await Should.ThrowAsync<LedgerException>(appends[2]);
        ex.Message.ShouldContain("refused by test");
        await Task.WhenAll(appends.Where((_, i) => i != 2));
        ExecuteRaw("DROP TRIGGER refuse_job2;");
        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[2].Id, State = JobState.Submitting, Attempt = 1 }, default);
        (await ledger.CountByStateAsync(null, default))[JobState.Submitting].ShouldBe(4);
    }

    [Fact]
    public async Task Mark_MovesToTheLastEventOfEachCommitHoldingASubmit_AndStaysForOthers()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 3).ToList();
        await ledger.SyncJobsAsync(jobs, default);

        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[0].Id, State = JobState.Submitting, Attempt = 1 }, default);
        MarkValue().ShouldBe(MaxSeq());
        var afterSubmitting = MaxSeq();

        await ledger.AppendAsync(new LedgerEvent { JobId = jobs[1].Id, State = JobState.Pending, Note = "no submit" }, default);
        MarkValue().ShouldBe(afterSubmitting, "a commit without a submit does not move the mark");

        await Task.WhenAll(
            ledger.AppendAsync(new LedgerEvent { JobId = jobs[0].Id, State = JobState.Submitted, RemoteId = "t-0" }, default),
            ledger.AppendAsync(new LedgerEvent { JobId = jobs[2].Id, State = JobState.Running }, default));
        MarkValue().ShouldBe(MaxSeq(), "the mark covers the whole commit holding the remote id");
        MaxSeq().ShouldBeGreaterThan(afterSubmitting);
    }

    [Fact]
    public async Task Writer_ManyConcurrentAppends_GroupedIntoFewerCommitsThanEvents()
    {
        await using var ledger = await CreateSut();
        var jobs = LedgerTestJobs.Range(0, 200).ToList();
        await ledger.SyncJobsAsync(jobs, default);
        var writer = ledger.Writer!;
        var (commits, events) = (writer.Commits, writer.Events);

        await Task.WhenAll(jobs.Select(j => Task.Run(() => ledger.AppendAsync(new LedgerEvent { JobId = j.Id, State = JobState.Submitting, Attempt = 1 }, default))));

        (writer.Events - events).ShouldBe(200);
        (writer.Commits - commits).ShouldBeLessThan(200, "appends queued together share a transaction");
        MarkValue().ShouldBe(MaxSeq());
    }

    private long MarkValue()
    {
        var parts = File.ReadAllText(LedgerPath + ".mark").Trim().Split(' ');
        parts.Length.ShouldBe(4);
        File.ReadAllText(LedgerPath + ".mark").Length.ShouldBe($"{parts[0]} {parts[1]} {parts[2]} {parts[3]}\n".Length, "one line, nothing left over");
        return long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
    }

    private long MaxSeq() => long.Parse(QueryRaw("SELECT CAST(MAX(seq) AS TEXT) FROM events;")!, System.Globalization.CultureInfo.InvariantCulture);
}
