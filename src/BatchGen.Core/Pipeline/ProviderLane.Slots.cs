using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// The lane's task slots. A worker is a slot: it holds its job from the submit until the poll that sees the task
/// finished. A provider that says when a task will be done (Pixwith's <c>estimated_time</c>) and counts only the tasks
/// it has not finished against its cap (as the simulator does; Pixwith documents no cap at all) does not need the slot
/// that long: once the promised time has passed, the worker hands the rest of the tracking to a task of its own and
/// takes the next job, and the finishing poll may come later, when the rate has room (polls wait behind submits, see
/// <see cref="ProviderThrottle"/>). With the slot held until the poll, the last latency of a run could carry at most
/// one finishing poll per slot; freed at completion, the polls put off until then fill it.
/// <para>
/// The promise is trusted only while the provider keeps it: the first poll that finds a task still running after its
/// estimate ends the hand-offs for the rest of the run (a submit sent too early would only be refused, never sent
/// twice: a refused submit is retried, an accepted one is tracked). Nothing changes for a re-attached task, a task
/// completed by webhook, or a provider without estimates.
/// </para>
/// <para>
/// The hand-off happens once the run's clock reads the promised time, read again after the timer fires
/// (<see cref="WaitUntilAsync"/>): a promise in whole seconds can be exactly the task's time, and a timer may fire a
/// millisecond or two early. Taking the next job then, the worker's submit could reach the provider while, by its own
/// clock, the task was still running (seen at the simulator's limits: one refused submit in 400).
/// </para>
/// </summary>
internal sealed partial class ProviderLane
{
    private readonly List<Task> _handedOff = [];
    private readonly Lock _handedOffGate = new();
    private volatile bool _estimatesBroken;

    /// <summary>True once a poll found a task still running after the provider's own estimate (see the class summary).</summary>
    public bool EstimatesBroken => _estimatesBroken;

    /// <summary>Runs the workers until the lane's channel is completed and drained, then waits for the tracking they handed off.</summary>
    public async Task RunAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _settings.Concurrency)).Select(_ => _context.GuardAsync(WorkerAsync))).ConfigureAwait(false);
        Task[] left;
        lock (_handedOffGate)
        {
            left = [.. _handedOff];
        }

        await Task.WhenAll(left).ConfigureAwait(false);
    }

    /// <summary>
    /// Tracks a task this worker just submitted; when the provider promised a completion time, returns once it has
    /// passed (the tracking goes on without the worker), else when the tracking ends.
    /// </summary>
    private async Task TrackSubmittedAsync(LedgerJob job, string remoteId, TimeSpan? promised, BudgetReservation reservation, decimal? estimate)
    {
        if (promised is not { } due || due <= TimeSpan.Zero || _estimatesBroken || WebhooksCover)
        {
            await TrackAsync(job, remoteId, promised, reattached: false, reservation, estimate).ConfigureAwait(false);
            return;
        }

        var tracking = _context.GuardAsync(() => TrackAsync(job, remoteId, promised, reattached: false, reservation, estimate));
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(_context.StopToken);
        var wait = WaitUntilAsync(job.SubmittedAt!.Value + due, stopWaiting.Token);
        if (await Task.WhenAny(tracking, wait).ConfigureAwait(false) == tracking || _estimatesBroken || _context.StopToken.IsCancellationRequested)
        {
            await stopWaiting.CancelAsync().ConfigureAwait(false);
            await tracking.ConfigureAwait(false);
            return;
        }

        _progress.AddHandedOff();
        lock (_handedOffGate)
        {
            _handedOff.RemoveAll(t => t.IsCompleted);
            _handedOff.Add(tracking);
        }
    }

    /// <summary>
    /// Returns once the run's clock reads <paramref name="deadline"/>. A timer counts whole milliseconds and may fire
    /// up to one or two early, so the clock is read again after it and the rest waited for (whole milliseconds, so the
    /// loop never spins). No margin past the deadline: a fixed 20 ms one cost the five-provider bench 0.2-0.3 s of 88 s.
    /// </summary>
    private async Task WaitUntilAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        for (var left = deadline - _context.Time.GetUtcNow(); left > TimeSpan.Zero; left = deadline - _context.Time.GetUtcNow())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), _context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A poll sent at <paramref name="sentAt"/> (from the submit) found the task still running: a broken promise if past the estimate.</summary>
    private void CheckPromise(TimeSpan? promised, TimeSpan sentAt)
    {
        if (promised is { } due && sentAt >= due && !_estimatesBroken)
        {
            _estimatesBroken = true;
        }
    }

    private bool WebhooksCover => _context.Webhooks is { } inbox && inbox.Covers(Name);
}
