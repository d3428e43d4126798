using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The copy's after-count check: a target that loses uploads or webhook deliveries on the way (a trigger here deletes
/// each row as it is inserted) fails the copy naming what was read and what the target holds.
/// </summary>
public sealed class LedgerCopyCheckTests : LedgerTestBase
{
    [Theory]
    [InlineData("uploads", "CREATE TRIGGER lose AFTER INSERT ON uploads BEGIN DELETE FROM uploads WHERE seq = NEW.seq; END;", "2 uploads, 1 webhook deliveries", "0 uploads, 1 webhook deliveries")]
    [InlineData(
        "webhook_deliveries",
        "CREATE TRIGGER lose AFTER INSERT ON webhook_deliveries BEGIN DELETE FROM webhook_deliveries WHERE provider = NEW.provider AND remote_id = NEW.remote_id AND status = NEW.status; END;",
        "2 uploads, 1 webhook deliveries",
        "2 uploads, 0 webhook deliveries")]
    public async Task CopyAsync_TargetLosesRows_FailsNamingBothCounts(string table, string trigger, string read, string held)
    {
        var sourcePath = Path.Combine(TempPath, "source", "ledger.db");
        await using (var source = await SqliteLedger.OpenAsync(sourcePath, Time, default))
        {
            await source.SyncJobsAsync([LedgerTestJobs.Create(1)], default);
            await source.RecordUploadAsync(new UploadRecord("aa", "pixwith", "https://pre/aa", 10, null), default);
            await source.RecordUploadAsync(new UploadRecord("bb", "image_store", "s3://b/bb", 20, null), default);
            await source.RecordWebhookAsync("magnific", "task-1", "COMPLETED", null, default);
        }

        await (await CreateSut()).DisposeAsync();
        ExecuteRaw(trigger);
        await using var original = await SqliteLedger.OpenReadOnlyAsync(sourcePath, Time, default);
        await using var target = await CreateSut();

        var ex = await Should.ThrowAsync<LedgerException>(LedgerCopier.CopyAsync(original, target, force: false, default));

        ex.Message.ShouldStartWith($"{target.Location}: the copy does not match its source: read 1 jobs, ");
        ex.Message.ShouldContain($"{read}, the target holds ", Case.Sensitive, $"rows of {table} lost");
        ex.Message.ShouldEndWith($"{held} (run the copy again with --force)");
    }

    [Fact]
    public async Task CopyAsync_SourceOlderThanUploadsAndWebhooks_CopiesWithNone()
    {
        CreateOlderLedger(LedgerSchema.VersionAfter("reviews"), LedgerTestJobs.Create(1));
        var targetPath = Path.Combine(TempPath, "copy", "ledger.db");
        await using var source = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        await using var target = await SqliteLedger.OpenAsync(targetPath, Time, default);

        var counts = await LedgerCopier.CopyAsync(source, target, force: false, default);

        counts.ShouldBe(new LedgerCounts(1, 1, 0, 0, 0, 0, 0, 0));
    }
}
