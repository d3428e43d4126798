using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The <c>compact_keys</c> layout of the SQLite ledger (integer times and job references, event states as codes) and the
/// rebuild that brings an older ledger to it: every value read back as before, in one transaction.
/// </summary>
public sealed class LedgerCompactKeysTests : LedgerTestBase
{
    private const string Sha = "2244e76d187a131d196f77c94b7753ea31ca093c35bc7625de16ac812c148252";

    [Fact]
    public async Task AppendAsync_StoresIntegerTimesAndJobReferences_ReadBackExactly()
    {
        var job = LedgerTestJobs.Create(1);
        var time = Start.AddTicks(1234567); // 100 ns precision, as the text form had
        Time.SetUtcNow(time);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Submitted, Attempt = 1, RemoteId = "r-1" }, default);

        QueryRaw("SELECT typeof(time) || ':' || typeof(job_seq) || ':' || typeof(state) FROM events ORDER BY seq DESC LIMIT 1;").ShouldBe("integer:integer:integer");
        QueryRaw("SELECT typeof(updated_at) || ':' || typeof(submitted_at) FROM jobs;").ShouldBe("integer:integer");
        QueryRaw("SELECT time || ' ' || state || ' ' || job_id FROM event_log ORDER BY seq DESC LIMIT 1;").ShouldBe($"2026-11-21T08:00:00.1234567Z submitted {job.Id}");
        var read = (await ledger.GetJobAsync(job.Id, default))!;
        (read.SubmittedAt, read.UpdatedAt).ShouldBe((time, time));
        var events = await ToListAsync(ledger.ReadEventsAsync(job.Id, default));
        events.Select(e => (e.JobId, e.State, e.Time)).ShouldBe([(job.Id, JobState.Pending, time), (job.Id, JobState.Submitted, time)]);
        QueryRaw("SELECT COUNT(*) || '' FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('jobs', 'events', 'outputs');").ShouldBe("1", "only the unique index of job ids");
    }

    [Fact]
    public async Task OpenAsync_LedgerFromBeforeCompactKeys_RebuildsEveryRowWithTheSameValues()
    {
        var done = LedgerTestJobs.Create(1);
        var failed = LedgerTestJobs.Create(2);
        CreateOlderLedger(LedgerSchema.VersionAfter("compact_rows"), done, failed);
        // The compact_rows layout: output 1 pointing at its events, the job row marking output 1's values with ''.
        ExecuteRaw($"""
            INSERT INTO events (time, job_id, state, attempt, estimated_cost_usd) VALUES ('2026-11-21T08:00:01.0000001Z', '{done.Id}', 'submitting', 1, '0.45');
            INSERT INTO events (time, job_id, state, attempt, remote_id, http_status) VALUES ('2026-11-21T08:00:01.5000000Z', '{done.Id}', 'submitted', 1, 'r-1', 200);
            INSERT INTO events (time, job_id, state, attempt, remote_id, actual_cost_usd, result_url) VALUES ('2026-11-21T08:00:02.2500000Z', '{done.Id}', 'generated', 0, 'r-1', '0.45', 'https://cdn/1');
            INSERT INTO events (time, job_id, state, attempt, file_path, bytes, sha256) VALUES ('2026-11-21T08:00:03.9999999Z', '{done.Id}', 'succeeded', 0, 'a.mp4', 10, '{Sha}');
            INSERT INTO events (time, job_id, state, attempt, error_class, error_code, error_message, note) VALUES ('2026-11-21T08:00:04.0000000Z', '{failed.Id}', 'failed', 1, 'permanent', 'moderation', 'refused', 'n');
            UPDATE jobs SET state = 'succeeded', attempts = 1, remote_id = 'r-1', result_url = '', file_path = '', bytes = 10, sha256 = '',
                estimated_cost_usd = '0.45', actual_cost_usd = '0.45', submitted_at = '2026-11-21T08:00:01.5000000Z',
                started_at = '2026-11-21T08:00:02.0000000Z', completed_at = '2026-11-21T08:00:02.2500000Z', updated_at = '2026-11-21T08:00:03.9999999Z',
                video_width = 640, video_height = 360, video_seconds = 5.0, video_codec = 'avc1' WHERE id = '{done.Id}';
            UPDATE jobs SET state = 'failed', attempts = 1, error_class = 'permanent', error_code = 'moderation', error_message = 'refused',
                updated_at = '2026-11-21T08:00:04.0000000Z', in_manifest = 0 WHERE id = '{failed.Id}';
            INSERT INTO outputs (job_id, output_index, bytes, width, height, duration_seconds, updated_at, file_mtime_ns, file_inode, url_event, file_event)
                VALUES ('{done.Id}', 1, 10, 640, 360, 5.0, '2026-11-21T08:00:03.9999999Z', 7, 8, 5, 6);
            INSERT INTO outputs (job_id, output_index, result_url, updated_at) VALUES ('{done.Id}', 2, 'https://cdn/2', '2026-11-21T08:00:02.2500000Z');
            INSERT INTO stored_objects (job_id, output_index, object_key, object_url, bytes, sha256, stored_at)
                VALUES ('{done.Id}', 1, 'k/a.mp4', 's3://b/k/a.mp4', 10, '{Sha}', '2026-11-21T08:00:05.0000000Z');
            """);

        string before;
        await using (var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        {
            before = await SnapshotAsync(reader);
        }

        before.ShouldContain("https://cdn/1", Case.Sensitive, "the old layout is read through its event references");
        before.ShouldContain("s3://b/k/a.mp4");
        await using (var ledger = await CreateSut())
        {
            (await SnapshotAsync(ledger)).ShouldBe(before);
            (await ledger.GetMetaAsync("migrated:compact_keys", default)).ShouldNotBeNull();
            await ledger.AppendAsync(new LedgerEvent { JobId = failed.Id, State = JobState.Pending, Note = "retry" }, default);
            (await ToListAsync(ledger.ReadEventsAsync(failed.Id, default))).Select(e => e.State).ShouldBe([JobState.Pending, JobState.Failed, JobState.Pending]);
        }

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(LedgerSchema.Version.ToString(CultureInfo.InvariantCulture));
        QueryRaw("SELECT group_concat(time, ' ') FROM (SELECT time FROM event_log WHERE job_id = (SELECT id FROM jobs WHERE seq = 1) ORDER BY seq);")
            .ShouldBe("2026-11-21T08:00:00.0000000Z 2026-11-21T08:00:01.0000001Z 2026-11-21T08:00:01.5000000Z 2026-11-21T08:00:02.2500000Z 2026-11-21T08:00:03.9999999Z");
        QueryRaw("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' ORDER BY name);").ShouldBe("events_no_delete,events_no_update");
        Should.Throw<SqliteException>(() => ExecuteRaw("UPDATE events SET note = 'x';")).Message.ShouldContain("append-only");
        Should.Throw<SqliteException>(() => ExecuteRaw("DELETE FROM events;")).Message.ShouldContain("append-only");
        QueryRaw("PRAGMA foreign_key_check;").ShouldBeNull("every reference points at a row");
    }

    [Fact]
    public async Task OpenAsync_RowThatCannotBeRebuilt_FailsAndLeavesTheOlderLedgerAsItWas()
    {
        var job = LedgerTestJobs.Create(1);
        var version = LedgerSchema.VersionAfter("compact_rows");
        CreateOlderLedger(version, job);
        // A time not in the ledger's format (no batchgen wrote one; a hand edit could).
        ExecuteRaw($"INSERT INTO events (time, job_id, state, attempt) VALUES ('yesterday', '{job.Id}', 'submitting', 1);");

        var ex = await Should.ThrowAsync<LedgerException>(CreateSut());

        ex.Message.ShouldContain($"schema step compact_keys cannot convert a row (");
        ex.Message.ShouldContain($"the ledger was left as it was, at version {version}");

        QueryRaw("SELECT CAST(user_version AS TEXT) FROM pragma_user_version;").ShouldBe(version.ToString(CultureInfo.InvariantCulture), "the rebuild was rolled back");
        QueryRaw("SELECT COUNT(*) || ':' || MAX(typeof(time)) FROM events;").ShouldBe("2:text");
        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        (await ToListAsync(reader.ReadJobsAsync(default))).ShouldHaveSingleItem().Id.ShouldBe(job.Id);
    }

    /// <summary>Every job (with its outputs) and every event as a reader sees them, as JSON.</summary>
    private static async Task<string> SnapshotAsync(SqliteLedger ledger)
    {
        var jobs = await ToListAsync(ledger.ReadJobsAsync(default));
        var events = await ToListAsync(ledger.ReadEventsAsync(null, default));
        return JsonSerializer.Serialize(new { jobs, events });
    }
}
