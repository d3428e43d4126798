using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// What keeps a second payment out: the run lock held on ledger.db itself (deleting ledger.db.lock does not open it),
/// the WAL watched around every commit, and the high-water mark that refuses a ledger rolled back by a lost WAL.
/// </summary>
public sealed class LedgerGuardTests : LedgerTestBase
{
    [Fact]
    public async Task Lock_InfoFileDeletedWhileHeld_SecondOpenStillRefusedNamingTheHolder()
    {
        await using var first = await CreateSut();
        File.Exists(LedgerPath + ".lock").ShouldBeTrue();
        File.Delete(LedgerPath + ".lock");

        var ex = await Should.ThrowAsync<LedgerException>(CreateSut());

        ex.Failure.ShouldBe(LedgerFailure.Locked);
        ex.Message.ShouldContain("another batchgen run holds this batch");
    }

    [Fact]
    public async Task Lock_InfoLeftByAProcessThatIsGone_TakenOverWithANotice()
    {
        await (await CreateSut()).DisposeAsync();
        File.Exists(LedgerPath + ".lock").ShouldBeFalse("a clean close removes the information file");
        var gone = DeadPid();
        await File.WriteAllTextAsync(LedgerPath + ".lock", $"pid: {gone}\nhost: {Environment.MachineName}\nstarted: 2026-11-20T02:00:00Z\n");

        await using var ledger = await CreateSut();

        ledger.Notices.ShouldHaveSingleItem().ShouldBe($"taking over the ledger lock left by PID {gone} on host {Environment.MachineName}, started 2026-11-20T02:00:00Z: that process is gone");
        (await File.ReadAllTextAsync(LedgerPath + ".lock")).ShouldStartWith($"pid: {Environment.ProcessId}\n");
    }

    [Fact]
    public async Task Lock_LedgerFileReplacedDuringRun_NextWriteFails()
    {
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 3), default);
        File.Move(LedgerPath, LedgerPath + ".moved");
        await File.WriteAllBytesAsync(LedgerPath, [1, 2, 3]);

        var ex = await Should.ThrowAsync<LedgerException>(ledger.AppendAsync(Submitting(0), default));

        ex.Message.ShouldContain("the ledger file was deleted or replaced during the run");
    }

    [Fact]
    public async Task Wal_DeletedDuringRun_AppendFailsAndEverythingRecordedIsInTheMainFile()
    {
        long recorded;
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 5), default);
            await ledger.AppendAsync(Submitting(0), default);
            File.Exists(LedgerPath + "-wal").ShouldBeTrue();
            File.Delete(LedgerPath + "-wal");

            var ex = await Should.ThrowAsync<LedgerException>(ledger.AppendAsync(Submitting(1), default));
            ex.Message.ShouldContain("write-ahead log ledger.db-wal was deleted during the run: stopped submitting");
            ex.Message.ShouldContain("every event recorded so far was saved into ledger.db");
            await Should.ThrowAsync<LedgerException>(ledger.AppendAsync(Submitting(2), default));

            // What a crash would leave now: the main file alone (no WAL to replay).
            recorded = Count("SELECT COUNT(*) FROM event_log WHERE state = 'submitting';", copyMainFileOnly: true);
        }

        recorded.ShouldBe(1, "the submit recorded before the WAL vanished is in ledger.db");
    }

    [Fact]
    public async Task Mark_LedgerRolledBackByALostWal_RefusedUntilAccepted()
    {
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 5), default);
            await ledger.AppendAsync(Submitting(0), default);
            await ledger.AppendAsync(Submitting(1), default);
        }

        var mark = await File.ReadAllTextAsync(LedgerPath + ".mark");
        // An older copy of the ledger (what a lost WAL leaves): the two submits are gone, the mark is not.
        ExecuteRaw($"DROP TRIGGER events_no_delete; DELETE FROM events WHERE state = {LedgerValues.StateCode(JobState.Submitting)}; UPDATE jobs SET state = 'pending';");

        var ex = await Should.ThrowAsync<LedgerException>(CreateSut());
        ex.Failure.ShouldBe(LedgerFailure.Storage);
        ex.Message.ShouldContain("but event 7 was recorded before (ledger.db.mark): its write-ahead log was lost");
        ex.Message.ShouldContain("--accept-ledger-rollback");
        await using (var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default))
        {
            reader.RollbackWarning.ShouldNotBeNull().ShouldContain("event 7 was recorded before");
        }

        await using (var accepted = await SqliteLedger.OpenAsync(LedgerPath, Time, new LedgerOpenOptions { AcceptRollback = true }, default))
        {
            accepted.Notices.ShouldHaveSingleItem().ShouldContain("accepted (--accept-ledger-rollback)");
        }

        mark.ShouldNotBe(await File.ReadAllTextAsync(LedgerPath + ".mark"));
        await using var again = await CreateSut();
    }

    [Fact]
    public async Task Open_ZeroByteLedger_RefusedNotAdopted()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        await File.WriteAllBytesAsync(LedgerPath, []);

        var ex = await Should.ThrowAsync<LedgerException>(CreateSut());
        var readOnly = await Should.ThrowAsync<LedgerException>(SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default));

        ex.Failure.ShouldBe(LedgerFailure.NotALedger);
        ex.Message.ShouldContain("is an empty file (0 bytes), not a BatchGen ledger");
        readOnly.Failure.ShouldBe(LedgerFailure.NotALedger);
        new FileInfo(LedgerPath).Length.ShouldBe(0);
    }

    [Fact]
    public async Task ReadOnly_ReadOnlyFileAndDirectory_ReadsWithoutCreatingWalOrShm()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(LedgerTestJobs.Range(0, 4), default);
        }

        var directory = Path.GetDirectoryName(LedgerPath)!;
        File.SetUnixFileMode(LedgerPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
            (await ToListAsync(reader.ReadJobsAsync(default))).Count.ShouldBe(4);
            File.Exists(LedgerPath + "-wal").ShouldBeFalse();
            File.Exists(LedgerPath + "-shm").ShouldBeFalse();
        }
        finally
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static LedgerEvent Submitting(int index) => new()
    {
        JobId = LedgerTestJobs.Create(index).Id,
        State = JobState.Submitting,
        Attempt = 1,
        EstimatedCostUsd = 0.40m,
    };

    /// <summary>Reads a copy of ledger.db without its WAL: what a crash at this moment would leave.</summary>
    private long Count(string sql, bool copyMainFileOnly)
    {
        var copy = Path.Combine(TempPath, "copy.db");
        File.Copy(LedgerPath, copy, overwrite: true);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={(copyMainFileOnly ? copy : LedgerPath)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The PID of a process that has exited (a short-lived child, waited for).</summary>
    private static int DeadPid()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
