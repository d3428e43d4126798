using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Core.Reports;
using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// Runs a batch: records the manifest's jobs in the ledger, decides from each job's ledger row where it re-enters
/// (submit, poll, download), then drives the stages: per-provider lanes (admit -> submit -> poll) feeding a shared
/// download stage (download -> verify -> record). Every state change is recorded before the next step.
/// </summary>
public sealed class RunEngine
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RunEngine(TimeProvider timeProvider, ILogger logger)
    {
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs until every job is done or held, or <paramref name="stopToken"/> asks to stop.</summary>
    public async Task<RunSummary> RunAsync(RunRequest request, CancellationToken stopToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Options.Validate();
        if (request.Options.SharedPeriodCaps is not null && request.Fleet is null)
        {
            // Never a cap left unchecked: shared period caps are held only in a fleet's database.
            errors = [.. errors, "period caps to share in a fleet, but the run has no fleet"];
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid run options: " + string.Join("; ", errors), nameof(request));
        }

        var ledger = request.Ledger;
        var step = _time.GetTimestamp();
        var sync = (request.JobsForKey is { } keyed ? await ledger.SyncedAlreadyAsync(keyed, stopToken).ConfigureAwait(false) : null)
            ?? await ledger.SyncJobsAsync(request.Jobs, stopToken).ConfigureAwait(false);
        ResumeLog.Step(_logger, _time, "manifest sync", step);
        step = _time.GetTimestamp();
        var retry = await ResumePlanner.PrepareAsync(ledger, request, sync, _time, stopToken).ConfigureAwait(false);
        ResumeLog.Step(_logger, _time, "retry planning", step);
        step = _time.GetTimestamp();
        var resume = await CreateBudgetAsync(request, stopToken).ConfigureAwait(false);
        ResumeLog.Step(_logger, _time, "budget", step);
        var budget = resume.Gate;
        request.Progress.Budget = budget;
        if (request.Options.PeriodBudget is { } period)
        {
            budget.Settled = period.Settle;
        }

        var fleet = request.Fleet is null ? null : await Fleet.FleetStart.JoinAsync(request.Fleet, resume, request.Options.SharedPeriodCaps, stopToken).ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        using var hardStop = new CancellationTokenSource();
        await using var stopRegistration = stop.Token.Register(() => hardStop.CancelAfter(request.Options.SubmitGracePeriod)).ConfigureAwait(false);
        var context = new RunContext
        {
            Ledger = ledger,
            Options = request.Options,
            Providers = request.Providers,
            Budget = budget,
            ResumeReservations = new System.Collections.Concurrent.ConcurrentDictionary<string, BudgetReservation>(resume.InFlight, StringComparer.Ordinal),
            Downloader = request.Downloader,
            Time = _time,
            Progress = request.Progress,
            Logger = _logger,
            Halt = new Halting.HaltMonitor(request.Options.Halt, request.Progress),
            StopSource = stop,
            HardStopSource = hardStop,
            Unavailable = request.Unavailable,
            Fleet = fleet,
            Images = new Images.ImageUploads(ledger as IUploadLog ?? new MemoryUploadLog(), Uploaders(request), _time),
            Webhooks = request.Webhooks,
        };
        if (request.Uploader is { } uploader)
        {
            context.Store = new StoreSync(context, uploader);
        }

        var clients = request.Adapters.ToDictionary(
            kv => kv.Key,
            kv => new ResilientProviderClient(kv.Value, request.Providers[kv.Key], request.Options, _time, request.Progress.For(kv.Key)) { SharedRate = request.Fleet?.Rate },
            StringComparer.Ordinal);
        var settlements = fleet?.RunSettlementsAsync() ?? Task.CompletedTask;
        try
        {
            try
            {
                step = _time.GetTimestamp();
                await RunStagesAsync(context, clients).ConfigureAwait(false);
                ResumeLog.Step(_logger, _time, "stages", step);
            }
            finally
            {
                fleet?.CompleteSettlements();
                await settlements.ConfigureAwait(false);
            }

            if (context.Fault is { } fault)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
            }

            // Every stage drained: no job changes state any more, so the attributed costs can join the current rows.
            await CreditAttributions.WriteAsync(context).ConfigureAwait(false);

            if (request.Fleet?.OutageNotice is { } outage)
            {
                // What was in flight is recorded; the jobs this worker did not submit wait for a rerun (or another worker).
                throw new Fleet.FleetUnavailableException(outage);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        step = _time.GetTimestamp();
        var counts = await ledger.CountByStateAsync(null, CancellationToken.None).ConfigureAwait(false);
        var money = await MoneyAsync(request).ConfigureAwait(false);
        ResumeLog.Step(_logger, _time, "closing counts and money", step);
        return new RunSummary
        {
            Counts = counts,
            Added = sync.Added,
            Lost = sync.Lost,
            Ambiguous = counts.TryGetValue(JobState.Submitting, out var ambiguous) ? ambiguous : 0,
            StopReason = stopToken.IsCancellationRequested ? RunStopReason.Cancelled
                : context.Halt.Fired.Count > 0 ? RunStopReason.Halted
                : context.BudgetStopped ? RunStopReason.BudgetReached
                : RunStopReason.None,
            Halts = [.. context.Halt.Fired.OrderBy(h => h.Provider, StringComparer.Ordinal)],
            PeriodBudgetStop = context.PeriodBudgetStop,
            BudgetRemainingJobs = context.BudgetRemainingJobs,
            BudgetRemainingCostUsd = context.BudgetRemainingCostUsd,
            Money = money,
            MaxCostUsd = request.Options.MaxCostUsd,
            BlockedProviders = new Dictionary<string, string>(context.BlockedProviders, StringComparer.Ordinal),
            Retry = retry,
            StoragePending = context.StoragePending,
            StorageProblem = context.StorageProblem,
        };
    }

    /// <summary>The configured uploaders, plus the adapters that have their own upload (Pixwith) where none is configured.</summary>
    private static Dictionary<string, Images.IImageUploader> Uploaders(RunRequest request)
    {
        var uploaders = new Dictionary<string, Images.IImageUploader>(request.ImageUploaders, StringComparer.Ordinal);
        foreach (var (name, adapter) in request.Adapters)
        {
            if (adapter is Images.IImageUploader own)
            {
                uploaders.TryAdd(name, own);
            }
        }

        return uploaders;
    }

    private static async Task RunStagesAsync(RunContext context, IReadOnlyDictionary<string, ResilientProviderClient> clients)
    {
        var downloads = new DownloadStage(context, clients);
        var lanes = clients.Values.Select(c => new ProviderLane(context, c, downloads)).ToList();
        var downloadTask = downloads.RunAsync();
        var laneTasks = lanes.Select(l => l.RunAsync()).ToList();
        var byName = lanes.ToDictionary(l => l.Name, StringComparer.Ordinal);
        var feeder = new JobFeeder(context, byName, downloads.Items.Writer);
        try
        {
            // Alone: stream the ledger once. In a fleet: claim jobs under leases until the batch has nothing left.
            Func<Task> feed = context.Fleet is { } fleet ? new Fleet.FleetFeeder(context, fleet, byName, feeder).RunAsync : feeder.RunAsync;
            await context.GuardAsync(feed).ConfigureAwait(false);
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Work.Writer.TryComplete();
            }

            try
            {
                await Task.WhenAll(laneTasks).ConfigureAwait(false);
            }
            finally
            {
                downloads.Items.Writer.TryComplete();
                await downloadTask.ConfigureAwait(false);
            }
        }
    }

    /// <summary>The batch's money figures from the ledger alone: what a rerun with no activity would show too.</summary>
    private static Task<BatchMoney> MoneyAsync(RunRequest request) =>
        BatchMoney.FromLedgerAsync(request.Ledger.ReadJobSummariesAsync(CancellationToken.None), ChargeFailed(request), CancellationToken.None);

    private static HashSet<string> ChargeFailed(RunRequest request) =>
        request.Providers.Values.Where(p => p.ChargeFailedJobs).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A budget gate that counts what the ledger already spent, with a reservation at its estimate for every job that
    /// was in flight (it may be charged): a re-attached job settles it like a fresh submit (charged or released), an
    /// ambiguous one keeps it.
    /// </summary>
    private static async Task<BudgetResume> CreateBudgetAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var chargeFailed = ChargeFailed(request);
        var jobs = new BudgetResume.Builder(chargeFailed);
        await foreach (var job in request.Ledger.ReadJobSummariesAsync(cancellationToken).ConfigureAwait(false))
        {
            // An ambiguous job this run resubmits is left out: its new submit reserves its estimate itself.
            var resubmitted = job.State == JobState.Submitting
                && (request.Options.ResubmitAmbiguous || (request.Providers.TryGetValue(job.Provider, out var s) && s.IdempotentSubmits));
            if (!resubmitted)
            {
                jobs.Add(job);
            }

            // The progress view's "queued": jobs this run may submit, known up front (not the lanes' window).
            // In a fleet, a worker counts the jobs it claims instead (the others' are theirs to count).
            if (request.Fleet is null && job.InManifest && (resubmitted || job.State is JobState.Pending or JobState.Blocked))
            {
                request.Progress.For(job.Provider).AddQueued(1);
            }
        }

        var caps = request.Providers.Values
            .Where(p => p.MaxCost is not null)
            .ToDictionary(p => p.Name, p => p.MaxCost!.Value, StringComparer.Ordinal);
        // In a fleet the caps are checked in the shared budget (every worker's reservations); this gate only counts.
        return request.Fleet is null
            ? jobs.Build(request.Options.MaxCostUsd, caps)
            : jobs.Build(null, new Dictionary<string, decimal>(StringComparer.Ordinal));
    }
}
