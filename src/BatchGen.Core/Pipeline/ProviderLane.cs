using System.Threading.Channels;
using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// One provider's part of the pipeline: admit -> submit -> poll. As many workers as the provider's concurrency
/// read the lane's bounded channel, so the cap on tasks in flight is the worker count; each worker takes a job
/// from admission until the provider reports it finished, then hands it to the download stage.
/// </summary>
internal sealed partial class ProviderLane
{
    private readonly RunContext _context;
    private readonly ResilientProviderClient _client;
    private readonly ProviderSettings _settings;
    private readonly DownloadStage _downloads;
    private readonly ProviderProgress _progress;
    private readonly Lazy<Task> _creditBaseline;
    private readonly PollPlanner _pollPlanner;

    /// <summary>Added to the job deadline for how long an image URL must stay valid.</summary>
    private static readonly TimeSpan ImageUrlMargin = TimeSpan.FromMinutes(10);

    public ProviderLane(RunContext context, ResilientProviderClient client, DownloadStage downloads)
    {
        _context = context;
        _client = client;
        _settings = context.Providers[client.Name];
        _downloads = downloads;
        _progress = context.Progress.For(client.Name);
        _creditBaseline = new Lazy<Task>(ReadCreditBaselineAsync);
        _pollPlanner = new PollPlanner(context.Latency, _settings, () => client.Throttle.CurrentRatePerSecond, () => client.FixedRequestsPerJob);
        Work = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(Math.Max(16, _settings.Concurrency * 2))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
    }

    public string Name => _client.Name;

    public Channel<WorkItem> Work { get; }

    private async Task WorkerAsync()
    {
        await foreach (var item in Work.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (item.Start == WorkStart.Submit)
            {
                await AdmitAndSubmitAsync(item.Job).ConfigureAwait(false);
            }
            else
            {
                // Re-attached: settles the reservation the resume made at its estimate (charged, or released if not).
                _context.ResumeReservations.TryRemove(item.Job.Id, out var reservation);
                await TrackAsync(item.Job, item.Job.RemoteId!, expected: null, reattached: true, reservation, item.Job.EstimatedCostUsd).ConfigureAwait(false);
            }
        }
    }

    private async Task AdmitAndSubmitAsync(LedgerJob job)
    {
        var estimate = _settings.Pricing.EstimateUsd(job.Spec.Parameters);
        if (_context.StopToken.IsCancellationRequested)
        {
            return;
        }

        if (_context.BlockedReason(Name) is { } reason)
        {
            _progress.AddQueued(-1);
            await BlockAsync(job, reason).ConfigureAwait(false);
            return;
        }

        await _creditBaseline.Value.ConfigureAwait(false);
        if (_context.StopToken.IsCancellationRequested)
        {
            return;
        }

        if (_context.IsBudgetStopped(Name))
        {
            HoldForBudget(estimate);
            await ReleaseClaimAsync(job).ConfigureAwait(false);
            return;
        }

        if (_context.Halt.ShouldHalt(Name) || _context.Fleet is { CanSubmit: false })
        {
            // Too many failures (or, in a fleet, leases lost): this job stays pending for a later run; jobs in flight finish.
            await ReleaseClaimAsync(job).ConfigureAwait(false);
            return;
        }

        if (estimate is null && (_context.Budget.MaxCostUsd is not null || _settings.MaxCost is not null || _context.Options.PeriodBudget is not null || _context.Options.SharedPeriodCaps is not null))
        {
            // A job the price table cannot price cannot be checked against a cap: never sent blind.
            var p = job.Spec.Parameters;
            _progress.AddQueued(-1);
            await BlockAsync(job, $"{Name}: no price for {p.Resolution} x {p.Duration}s in its pricing table, so it cannot be checked against the budget (add providers.{Name}.pricing)").ConfigureAwait(false);
            return;
        }

        var spec = job.Spec;
        if (spec.Parameters.Image is { } image)
        {
            // Before any money is reserved: the URL the provider will fetch, uploaded once per content and provider.
            if (await ImageUrlAsync(job, image).ConfigureAwait(false) is not { } url)
            {
                return;
            }

            spec = spec with { Parameters = spec.Parameters with { ImageUrl = url } };
        }

        var reservation = _context.Budget.TryReserve(Name, estimate ?? 0m);
        if (reservation is null)
        {
            HoldForBudget(estimate);
            return;
        }

        if (_context.Fleet is { } fleet
            && await fleet.ReserveAsync(job.Id, reservation, _context.Options.MaxCostUsd, _settings.MaxCost, _context.Options.SharedPeriodCaps?.HoldNow(), _context.StopToken).ConfigureAwait(false) is var answer
            && answer.Verdict != Fleet.SharedBudgetVerdict.Reserved)
        {
            // The shared budget (every worker's reservations, and the period caps over every batch) says no: held, and
            // left for the others to try.
            _context.Budget.Release(reservation);
            if (answer.Verdict == Fleet.SharedBudgetVerdict.RefusedPeriod)
            {
                _context.HoldForPeriodBudget(Name, estimate, answer.Reason ?? "a period cap would be passed");
            }
            else
            {
                HoldForBudget(estimate, globalCap: answer.Verdict == Fleet.SharedBudgetVerdict.RefusedGlobal);
            }

            await ReleaseClaimAsync(job).ConfigureAwait(false);
            return;
        }

        if (_context.Options.PeriodBudget is { } period && period.TryReserve(reservation) is { } refusal)
        {
            _context.Budget.Release(reservation);
            _context.HoldForPeriodBudget(Name, estimate, refusal);
            return;
        }

        var attempt = job.Attempts;
        var mayBeInFlight = false;
        _progress.AddQueued(-1);
        _progress.AddInFlight(1);
        SubmitResult result;
        try
        {
            result = await _client.SubmitAsync(
                spec,
                // Write-ahead: the intent is durable before the request leaves (after the throttle's wait).
                beforeSend: async () =>
                {
                    // A stop asked while this job waited for the throttle or a backoff: nothing new leaves after it.
                    _context.StopToken.ThrowIfCancellationRequested();
                    if (_context.Fleet is { } claims && !await claims.Fleet.Claims.ConfirmAsync(job.Id, _context.StopToken).ConfigureAwait(false))
                    {
                        // The lease ran out (this worker stalled) and another worker may own the job: never sent from here.
                        throw new OperationCanceledException($"{Name}: job {job.Id}: lease lost before the submit; not sent");
                    }

                    attempt++;
                    mayBeInFlight = true;
                    await _context.RecordAsync(new LedgerEvent
                    {
                        JobId = job.Id,
                        State = JobState.Submitting,
                        Attempt = attempt,
                        EstimatedCostUsd = estimate,
                    }).ConfigureAwait(false);
                },
                // Certainly not accepted: back to pending while the retry waits, so a crash here is not ambiguous.
                onRefused: error =>
                {
                    mayBeInFlight = false;
                    return _context.RecordAsync(ErrorEvent(job.Id, JobState.Pending, attempt, error) with { Note = "submit refused; retrying" });
                },
                _context.HardStopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _progress.AddInFlight(-1);
            if (!mayBeInFlight)
            {
                // Stopped while waiting for the throttle or a backoff: nothing was sent, the job stays pending.
                _context.Budget.Release(reservation);
                _progress.AddQueued(1);
                await ReleaseClaimAsync(job).ConfigureAwait(false);
                return;
            }

            // Abandoned after the grace period: the request may have left. The job stays ambiguous, charged.
            _context.Budget.Commit(reservation, estimate ?? 0m);
            _context.CountAmbiguous();
            return;
        }

        await OnSubmittedAsync(job, attempt, estimate, reservation, result).ConfigureAwait(false);
    }

    private async Task OnSubmittedAsync(LedgerJob job, int attempt, decimal? estimate, BudgetReservation reservation, SubmitResult result)
    {
        var outcome = result.Outcome;
        // The reply to an accepted submit carries the balance right after this job's charge; any other is a plain reading.
        var ownCharge = outcome.Error is null && outcome.ActualCostUsd is null;
        _context.ObserveCredits(Name, outcome.RemainingCredits, ownCharge ? job.Id : null, estimate);
        if (outcome.Error is { } error)
        {
            _progress.AddInFlight(-1);
            if (result.Ambiguous)
            {
                _context.Budget.Commit(reservation, estimate ?? 0m);
                _context.CountAmbiguous();
                await _context.RecordAsync(ErrorEvent(job.Id, JobState.Submitting, attempt, error) with
                {
                    Note = "submit outcome unknown: not resubmitted (see --resubmit-ambiguous)",
                }).ConfigureAwait(false);
                return;
            }

            if (outcome.RemoteId is not null && _settings.ChargeFailedJobs)
            {
                // Accepted, then failed at once: charged where the provider charges failures.
                _context.Budget.Commit(reservation, estimate ?? 0m);
            }
            else
            {
                _context.Budget.Release(reservation);
            }

            if (error.Class == ErrorClass.Account)
            {
                _context.Block(Name, error.Message);
                await BlockAsync(job, error.Message, error).ConfigureAwait(false);
                return;
            }

            if (error.Class == ErrorClass.Retryable)
            {
                // Certainly not accepted, retries ran out (429s, 503s, an open circuit): the job waits for the next run.
                _progress.AddQueued(1);
                await _context.RecordAsync(ErrorEvent(job.Id, JobState.Pending, attempt, error) with
                {
                    Note = "submit refused until retries ran out; left pending for the next run",
                }).ConfigureAwait(false);
                return;
            }

            _progress.AddFailed();
            await _context.RecordAsync(ErrorEvent(job.Id, JobState.Failed, attempt, error) with { RemoteId = outcome.RemoteId }).ConfigureAwait(false);
            return;
        }

        // A reported cost more than 3x from the estimate is flagged in the reports; the estimate counts instead.
        var charged = ReportedCostCheck.Counted(outcome.ActualCostUsd, estimate);
        if (outcome.InlineVideo is { } video)
        {
            // Synchronous provider: the reply is the video. Generated is durable before the file is written.
            _context.Budget.Commit(reservation, charged);
            _progress.AddSpent(charged);
            _progress.AddInFlight(-1);
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = job.Id,
                State = JobState.Generated,
                Attempt = attempt,
                RemoteId = outcome.RemoteId ?? $"sync:{job.Id}",
                HttpStatus = outcome.HttpStatus,
                ActualCostUsd = outcome.ActualCostUsd,
                ReplaceOutputs = true,
            }).ConfigureAwait(false);
            // The bytes exist only in memory: saved here, not queued, so a stop cannot drop them.
            await _downloads.ProcessAndCountAsync(new DownloadItem(job.Spec, outcome.RemoteId, [], video)).ConfigureAwait(false);
            return;
        }

        var remoteId = outcome.RemoteId!;
        await _context.RecordAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Submitted,
            Attempt = attempt,
            RemoteId = remoteId,
            HttpStatus = outcome.HttpStatus,
            ActualCostUsd = outcome.ActualCostUsd,
        }).ConfigureAwait(false);
        _progress.AddInFlight(-1);
        // The deadline counts from this submit, not from an earlier attempt's (a job retried with --all-failed keeps its
        // first submit time in the ledger, which would fail the new task at once).
        var submitted = job with { State = JobState.Submitted, RemoteId = remoteId, SubmittedAt = _context.Time.GetUtcNow() };
        await TrackSubmittedAsync(submitted, remoteId, outcome.EstimatedTime, reservation, estimate).ConfigureAwait(false);
    }

    /// <summary>The budget keeps this job back: not submitted this run, counted as held.</summary>
    private void HoldForBudget(decimal? estimate, bool? globalCap = null)
    {
        _progress.AddQueued(-1);
        _progress.AddHeld();
        _context.HoldForBudget(Name, estimate, globalCap: globalCap ?? _context.Budget.WouldPassGlobalCap(estimate ?? 0m));
    }

    /// <summary>In a fleet: this worker lets the job go without a recorded end (held, halted, stopped); others may take it.</summary>
    private Task ReleaseClaimAsync(LedgerJob job) => _context.Fleet?.ReleaseAsync(job.Id) ?? Task.CompletedTask;

    /// <summary>The image URL for this job's submit, or null when the job cannot be sent now (recorded, or stopped).</summary>
    private async Task<string?> ImageUrlAsync(LedgerJob job, Images.LocalImage image)
    {
        string? url;
        ProviderError? error;
        try
        {
            // Valid until the task could be finished: the provider may fetch the image when the task starts.
            (url, error) = await _context.Images.UrlAsync(Name, image, _settings.JobDeadline + ImageUrlMargin, _context.StopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            return null;
        }

        if (error is null)
        {
            return url;
        }

        switch (error.Class)
        {
            case ErrorClass.Account:
                _progress.AddQueued(-1);
                await BlockAsync(job, error.Message, error).ConfigureAwait(false);
                break;
            case ErrorClass.Retryable:
                // Nothing was spent: the job waits for the next run, which uploads again.
                await _context.RecordAsync(ErrorEvent(job.Id, JobState.Pending, job.Attempts, error) with
                {
                    Note = "image upload failed; left pending for the next run",
                }).ConfigureAwait(false);
                break;
            default:
                _progress.AddQueued(-1);
                _progress.AddFailed();
                await _context.RecordAsync(ErrorEvent(job.Id, JobState.Failed, job.Attempts, error)).ConfigureAwait(false);
                break;
        }

        return null;
    }

    private async Task BlockAsync(LedgerJob job, string reason, ProviderError? error = null)
    {
        _progress.AddBlocked();
        await _context.RecordAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Blocked,
            HttpStatus = error?.HttpStatus,
            ErrorClass = ErrorClass.Account,
            ErrorCode = error?.Code ?? "blocked",
            ErrorMessage = reason,
        }).ConfigureAwait(false);
    }

    internal static LedgerEvent ErrorEvent(string jobId, JobState state, int attempt, ProviderError error) => new()
    {
        JobId = jobId,
        State = state,
        Attempt = attempt,
        HttpStatus = error.HttpStatus,
        ErrorClass = error.Class,
        ErrorCode = error.Code,
        ErrorMessage = error.Message,
    };

    /// <summary>Once per run, before its first submit: the balance the first charge is measured from.</summary>
    private async Task ReadCreditBaselineAsync()
    {
        if (_client.Adapter is not ICreditBalanceSource source)
        {
            return;
        }

        try
        {
            await _client.AcquireAsync(RequestKind.Submit, _context.StopToken).ConfigureAwait(false);
            _context.ObserveCredits(Name, await source.ReadCreditBalanceAsync(_context.StopToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopping: no baseline; the submits that follow are not sent either.
        }
    }

}
