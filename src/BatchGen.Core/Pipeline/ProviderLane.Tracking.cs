using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>The lane's tracking half: polls an accepted task to its end, then records it generated or failed.</summary>
internal sealed partial class ProviderLane
{
    /// <summary>Polls one accepted task until it finishes, fails, passes its deadline, or the run stops.</summary>
    private async Task TrackAsync(
        LedgerJob job,
        string remoteId,
        TimeSpan? expected,
        bool reattached,
        BudgetReservation? reservation = null,
        decimal? estimate = null)
    {
        _progress.AddInFlight(1);
        try
        {
            await TrackCoreAsync(job, remoteId, expected, reattached, reservation, estimate ?? job.EstimatedCostUsd).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            // Stopped by the user: the task stays Submitted/Running in the ledger and is re-attached on resume.
        }
        finally
        {
            _progress.AddInFlight(-1);
        }
    }

    private async Task TrackCoreAsync(LedgerJob job, string remoteId, TimeSpan? expected, bool reattached, BudgetReservation? reservation, decimal? estimate)
    {
        var spec = job.Spec;
        var now = _context.Time.GetUtcNow();
        var submittedAt = job.SubmittedAt ?? now;
        var deadline = submittedAt + _settings.JobDeadline;
        if (reattached && deadline <= now)
        {
            // Re-attached past its deadline (a retry after "deadline", or a resume long after the submit): the task may
            // have finished since, so it gets a fresh window instead of failing again before a single poll.
            deadline = now + _settings.JobDeadline;
        }

        // Poll timing: see PollSchedule and PollPlanner; times are measured from the submit (the tracking start when re-attached).
        var latencyClass = new LatencyClass(Name, spec.Parameters.Resolution, spec.Parameters.Duration);
        var origin = reattached ? now : submittedAt;
        // With webhooks the finishing delivery wakes this loop; polls are a sparse safety net (ProviderLane.Webhooks.cs).
        using var watch = WatchWebhook(job.Id, remoteId);
        var probe = watch is null && !reattached && _pollPlanner.TakeProbe(latencyClass);
        var schedule = new PollSchedule(_settings, () => _pollPlanner.PlanFor(latencyClass), expected, reattached, probe);
        var safetyNet = watch is null ? null : SafetyNet(expected ?? _pollPlanner.PlanFor(latencyClass)?.FirstPoll, reattached);
        var safetyDelay = safetyNet?.FirstDelay ?? TimeSpan.Zero;
        var running = job.State == JobState.Running;
        while (true)
        {
            PollOutcome? pushed = null;
            if (safetyNet is null)
            {
                // The plan may move while a task waits: look again when the wait ends (a few times at most).
                for (var look = 0; look < 4; look++)
                {
                    var current = _context.Time.GetUtcNow();
                    var wait = Min(origin + schedule.NextDue() - current, deadline - current);
                    if (wait <= TimeSpan.Zero)
                    {
                        break;
                    }

                    await Task.Delay(wait, _context.Time, _context.StopToken).ConfigureAwait(false);
                }
            }
            else
            {
                pushed = await WaitForPollOrWebhookAsync(Min(safetyDelay, deadline - _context.Time.GetUtcNow()), watch).ConfigureAwait(false);
                safetyDelay = safetyNet.Next();
            }

            // The deadline is checked after a poll, never instead of it: a task that finished is always collected.
            PollOutcome poll;
            if (pushed is not null)
            {
                poll = pushed;
                var at = _context.Time.GetUtcNow() - origin;
                schedule.OnAnswer(poll.State, at, at);
            }
            else
            {
                var reply = await _client.PollTimedAsync(remoteId, _context.StopToken).ConfigureAwait(false);
                poll = reply.Outcome;
                _context.ObserveCredits(Name, poll.RemainingCredits);
                schedule.OnAnswer(poll.State, reply.SentAt - origin, reply.AnsweredAt - origin);
                if (!reattached && poll.State is RemoteState.Queued or RemoteState.Running)
                {
                    CheckPromise(expected, reply.SentAt - origin);
                }
            }

            // A safety-net poll finds the task long after it finished: no latency sample (too wide to say anything).
            if (!reattached && (safetyNet is null || pushed is not null) && poll.State == RemoteState.Succeeded && schedule.CompletionInterval is { } interval)
            {
                _context.Latency.Observe(latencyClass, interval.NotDoneAt, interval.DoneBy);
            }

            switch (poll)
            {
                case { State: null, Error: { Class: ErrorClass.Account } error }:
                    // The key stopped working mid-run: keep the task Submitted so a later run re-attaches to it.
                    // It was accepted, so its reservation counts as spent.
                    if (reservation is not null)
                    {
                        _context.Budget.Commit(reservation, estimate ?? 0m);
                    }

                    _context.Block(Name, error.Message);
                    await _context.RecordAsync(ErrorEvent(job.Id, running ? JobState.Running : JobState.Submitted, 0, error)).ConfigureAwait(false);
                    return;
                case { State: null, Error: { Class: ErrorClass.Permanent } error }:
                    await FailAsync(job, reservation, estimate, error, charged: false).ConfigureAwait(false);
                    return;
                case { State: RemoteState.Failed }:
                    var failure = poll.Error ?? new ProviderError(ErrorClass.Permanent, $"{Name}: task {remoteId} failed ({poll.RawStatus})") { Code = "generation_failed" };
                    await FailAsync(job, reservation, estimate, failure, charged: false).ConfigureAwait(false);
                    return;
                case { State: RemoteState.Succeeded }:
                    await OnGeneratedAsync(job, remoteId, poll, reservation, estimate, reattached).ConfigureAwait(false);
                    return;
                case { State: RemoteState.Running } when !running:
                    running = true;
                    await _context.RecordAsync(new LedgerEvent { JobId = job.Id, State = JobState.Running, Note = poll.RawStatus }).ConfigureAwait(false);
                    break;
            }

            if (_context.Time.GetUtcNow() >= deadline)
            {
                await FailAsync(job, reservation, estimate, new ProviderError(ErrorClass.Retryable,
                    $"{Name}: task {remoteId} not finished within the job deadline of {BatchGen.Core.Text.HumanText.Duration(_settings.JobDeadline)} (remote id kept: 'batchgen retry --failed' polls it again)")
                {
                    Code = "deadline",
                }, charged: true).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task OnGeneratedAsync(LedgerJob job, string remoteId, PollOutcome poll, BudgetReservation? reservation, decimal? estimate, bool reattached)
    {
        // A reported cost more than 3x from the estimate is flagged in the reports; the estimate counts instead.
        var charged = ReportedCostCheck.Counted(poll.ActualCostUsd, estimate);
        if (reservation is not null)
        {
            _context.Budget.Commit(reservation, charged);
        }

        _progress.AddSpent(charged);
        if (poll.ResultUrls.Count == 0)
        {
            await FailAsync(job, null, null, new ProviderError(ErrorClass.Retryable, $"{Name}: task {remoteId} completed without a result URL")
            {
                Code = "malformed_reply",
            }, charged: true).ConfigureAwait(false);
            return;
        }

        // A task submitted in this run is a new result: its outputs replace any recorded for the job before. A
        // re-attached task is the one whose outputs may already be (partly) on disk: they are kept and taken.
        var outputs = reattached
            ? JobOutputs.WithUrls(JobOutputs.Of(job), poll.ResultUrls)
            : poll.ResultUrls.Select((url, i) => new LedgerOutput { Index = i + 1, ResultUrl = url.ToString() }).ToList();
        await _context.RecordAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Generated,
            RemoteId = remoteId,
            ResultUrl = poll.ResultUrls[0].ToString(),
            ActualCostUsd = poll.ActualCostUsd,
            Outputs = outputs.Select(o => new LedgerOutput { Index = o.Index, ResultUrl = o.ResultUrl }).ToList(),
            ReplaceOutputs = !reattached,
            Note = poll.ResultUrls.Count > 1 ? $"{poll.ResultUrls.Count} outputs" : null,
        }).ConfigureAwait(false);
        var item = new DownloadItem(job.Spec, remoteId, outputs, null) { TakeExisting = reattached };
        await _downloads.Items.Writer.WriteAsync(item, _context.StopToken).ConfigureAwait(false);
    }

    private async Task FailAsync(LedgerJob job, BudgetReservation? reservation, decimal? estimate, ProviderError error, bool charged)
    {
        if (reservation is not null)
        {
            if (charged || _settings.ChargeFailedJobs)
            {
                _context.Budget.Commit(reservation, estimate ?? 0m);
            }
            else
            {
                _context.Budget.Release(reservation);
            }
        }

        _progress.AddFailed();
        await _context.RecordAsync(ErrorEvent(job.Id, JobState.Failed, 0, error)).ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
