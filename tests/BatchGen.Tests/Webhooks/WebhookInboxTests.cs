using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchGen.Tests.Webhooks;

/// <summary>The inbox over a real SQLite ledger in a temp directory.</summary>
public sealed class WebhookInboxTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private SqliteLedger _ledger = null!;

    public async Task InitializeAsync() =>
        _ledger = await SqliteLedger.OpenAsync(Path.Combine(_dir.Path, "ledger.db"), TimeProvider.System, CancellationToken.None);

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AcceptAsync_CompletedForWatchedTask_WakesTheWatchWithTheOutcome()
    {
        var inbox = CreateSut();
        using var watch = inbox.Watch("magnific", "t1", "job-1");

        var receipt = await inbox.AcceptAsync(Completed("t1"), CancellationToken.None);

        receipt.ShouldBe(WebhookReceipt.Recorded);
        watch.Finished.IsCompletedSuccessfully.ShouldBeTrue();
        (await watch.Finished).ResultUrls.ShouldHaveSingleItem().ToString().ShouldBe("https://cdn.example/t1.mp4");
        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task AcceptAsync_SameTaskAndStatusTwice_SecondIsDuplicateAndRecordedOnce()
    {
        var inbox = CreateSut();
        using (inbox.Watch("magnific", "t1", "job-1"))
        {
            (await inbox.AcceptAsync(Completed("t1"), CancellationToken.None)).ShouldBe(WebhookReceipt.Recorded);
        }

        // The task was settled and its watch disposed; a lane watching it again (a later run) is not woken by the repeat.
        using var again = inbox.Watch("magnific", "t1", "job-1");
        (await inbox.AcceptAsync(Completed("t1"), CancellationToken.None)).ShouldBe(WebhookReceipt.Duplicate);

        again.Finished.IsCompleted.ShouldBeFalse();
        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task AcceptAsync_OtherStatusOfSameTask_IsANewRecord()
    {
        var inbox = CreateSut();
        using var watch = inbox.Watch("magnific", "t1", "job-1");

        (await inbox.AcceptAsync(Delivery("t1", "IN_PROGRESS", new PollOutcome { State = RemoteState.Running, RawStatus = "IN_PROGRESS" }), CancellationToken.None))
            .ShouldBe(WebhookReceipt.Recorded);
        watch.Finished.IsCompleted.ShouldBeFalse();
        (await inbox.AcceptAsync(Completed("t1"), CancellationToken.None)).ShouldBe(WebhookReceipt.Recorded);

        watch.Finished.IsCompleted.ShouldBeTrue();
        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(2);
    }

    [Fact]
    public async Task AcceptAsync_UnknownTask_IsRecordedAndHandedToALaterWatch()
    {
        var inbox = CreateSut();

        (await inbox.AcceptAsync(Completed("early"), CancellationToken.None)).ShouldBe(WebhookReceipt.Unknown);
        using var watch = inbox.Watch("magnific", "early", "job-9");

        watch.Finished.IsCompletedSuccessfully.ShouldBeTrue();
        (await _ledger.CountWebhooksAsync(CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task AcceptAsync_OtherProviderSameTaskId_DoesNotWakeTheWatch()
    {
        var inbox = CreateSut();
        using var watch = inbox.Watch("magnific", "t1", "job-1");

        await inbox.AcceptAsync(Completed("t1") with { Provider = "otherprovider" }, CancellationToken.None);

        watch.Finished.IsCompleted.ShouldBeFalse();
    }

    private WebhookInbox CreateSut() => new(_ledger, NullLogger.Instance);

    private static WebhookDelivery Completed(string remoteId) => Delivery(
        remoteId,
        "COMPLETED",
        new PollOutcome { State = RemoteState.Succeeded, RawStatus = "COMPLETED", ResultUrls = [new Uri($"https://cdn.example/{remoteId}.mp4")] });

    private static WebhookDelivery Delivery(string remoteId, string status, PollOutcome outcome) =>
        new("magnific", remoteId, status, outcome, "msg_" + remoteId);
}
