using BatchGen.Core.Providers;
using BatchGen.Core.Webhooks;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// The lane's webhook half: a task of a provider the run receives callbacks from is watched, its finishing delivery
/// stands for the poll that would have seen it finished (no request spent), and polls drop to a safety net.
/// </summary>
internal sealed partial class ProviderLane
{
    /// <summary>A watch on the task when this provider's completions come by webhook; else null (plain polling).</summary>
    private WebhookWatch? WatchWebhook(string jobId, string remoteId) =>
        _context.Webhooks is { } inbox && inbox.Covers(Name) ? inbox.Watch(Name, remoteId, jobId) : null;

    private SafetyNetSchedule SafetyNet(TimeSpan? expected, bool reattached) => new(_settings, expected, reattached);

    /// <summary>
    /// Waits <paramref name="wait"/> (the next poll), or less when the task's finishing delivery arrives first: then
    /// returns its outcome. Null = time to poll. A stop ends the wait with <see cref="OperationCanceledException"/>.
    /// </summary>
    private async Task<PollOutcome?> WaitForPollOrWebhookAsync(TimeSpan wait, WebhookWatch? watch)
    {
        if (watch is null)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _context.Time, _context.StopToken).ConfigureAwait(false);
            }

            return null;
        }

        if (watch.Finished.IsCompleted)
        {
            return await watch.Finished.ConfigureAwait(false);
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(_context.StopToken);
        var delay = Task.Delay(wait, _context.Time, timer.Token);
        if (await Task.WhenAny(delay, watch.Finished).ConfigureAwait(false) == watch.Finished)
        {
            await timer.CancelAsync().ConfigureAwait(false);
            return await watch.Finished.ConfigureAwait(false);
        }

        await delay.ConfigureAwait(false);
        return null;
    }

    private async Task<PollOutcome> PollOnceAsync(string remoteId)
    {
        var poll = await _client.PollAsync(remoteId, _context.StopToken).ConfigureAwait(false);
        _progress.AddRequest();
        _context.ObserveCredits(Name, poll.RemainingCredits);
        return poll;
    }
}
