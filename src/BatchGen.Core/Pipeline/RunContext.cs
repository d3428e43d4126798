using System.Collections.Concurrent;
using BatchGen.Core.Costs;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Pipeline;

/// <summary>What every stage of one run shares: the ledger, the budget, the clock, stop signals and counters.</summary>
internal sealed class RunContext
{
    private readonly ConcurrentDictionary<string, string> _blocked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _budgetStoppedProviders = new(StringComparer.Ordinal);
    private int _budgetStopped;
    private long _budgetRemainingJobs;
    private long _budgetRemainingMicros;
    private int _ambiguous;
    private int _storagePending;
    private string? _storageProblem;

    public required ILedger Ledger { get; init; }

    public required RunOptions Options { get; init; }

    public required IReadOnlyDictionary<string, ProviderSettings> Providers { get; init; }

    public required BudgetGate Budget { get; init; }

    /// <summary>Reservations of the jobs in flight when the previous run stopped, taken by the lane that re-attaches them.</summary>
    public required ConcurrentDictionary<string, BudgetReservation> ResumeReservations { get; init; }

    public required VideoDownloader Downloader { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>Uploads of local images, once per content hash and provider.</summary>
    public required Images.ImageUploads Images { get; init; }

    public required RunProgress Progress { get; init; }

    public required ILogger Logger { get; init; }

    public LatencyTracker Latency { get; } = new();

    /// <summary>Webhook deliveries of this run; null when no receiver runs.</summary>
    public Webhooks.WebhookInbox? Webhooks { get; init; }

    /// <summary>What a saved video is compared with (differences are warnings), with the deep check when asked.</summary>
    public Downloads.ExpectedVideo Expected(int durationSeconds, int width, int height) =>
        new(durationSeconds, width, height) { Deep = Options.DeepVerify };

    /// <summary>The halt rules, judged before each submit.</summary>
    public required Halting.HaltMonitor Halt { get; init; }

    /// <summary>The first refusal of the period cap (per day or month across batches), for the summary.</summary>
    public string? PeriodBudgetStop { get; private set; }

    /// <summary>Records that the period cap refused a submit: submission stops everywhere, as for the batch cap.</summary>
    public void HoldForPeriodBudget(string provider, decimal? estimatedUsd, string reason)
    {
        lock (StopSource)
        {
            PeriodBudgetStop ??= reason;
        }

        HoldForBudget(provider, estimatedUsd, globalCap: true);
    }

    /// <summary>Per provider: the credit balances its replies reported, for actual costs from their deltas.</summary>
    public ConcurrentDictionary<string, CreditTracker> CreditTrackers { get; } = new(StringComparer.Ordinal);

    /// <summary>Records a balance a reply reported: the job's own charge when <paramref name="chargedJobId"/> is set.</summary>
    public void ObserveCredits(string provider, decimal? balance, string? chargedJobId = null, decimal? estimateUsd = null)
    {
        if (balance is not { } value)
        {
            return;
        }

        var tracker = CreditTrackers.GetOrAdd(provider, static _ => new CreditTracker());
        if (chargedJobId is null)
        {
            tracker.ObserveBalance(value);
        }
        else
        {
            tracker.ObserveCharge(chargedJobId, value, estimateUsd);
        }
    }

    /// <summary>Cancelled when the user asked to stop or a stage failed: no new admissions, polls stop.</summary>
    public CancellationToken StopToken => StopSource.Token;

    /// <summary>Source of <see cref="StopToken"/>, linked to the user's stop.</summary>
    public required CancellationTokenSource StopSource { get; init; }

    /// <summary>Source of <see cref="HardStopToken"/>.</summary>
    public required CancellationTokenSource HardStopSource { get; init; }

    /// <summary>The first exception a stage could not handle (a ledger write failed, a bug): the run stops on it.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Cancelled a grace period after <see cref="StopToken"/>: in-flight submits are abandoned.</summary>
    public CancellationToken HardStopToken => HardStopSource.Token;

    /// <summary>True when the global cap or any provider's cap stopped submission.</summary>
    public bool BudgetStopped => Volatile.Read(ref _budgetStopped) == 1 || !_budgetStoppedProviders.IsEmpty;

    /// <summary>True when the budget keeps this provider from submitting: the global cap, or its own cap.</summary>
    public bool IsBudgetStopped(string provider) => Volatile.Read(ref _budgetStopped) == 1 || _budgetStoppedProviders.ContainsKey(provider);

    public int BudgetRemainingJobs => (int)Interlocked.Read(ref _budgetRemainingJobs);

    public decimal BudgetRemainingCostUsd => Interlocked.Read(ref _budgetRemainingMicros) / 1_000_000m;

    public int Ambiguous => Volatile.Read(ref _ambiguous);

    public IReadOnlyDictionary<string, string> BlockedProviders => _blocked;

    public string? BlockedReason(string provider) => _blocked.TryGetValue(provider, out var reason) ? reason : null;

    /// <summary>Providers that cannot be called at all (no key), with the reason; blocked when a job of theirs shows up.</summary>
    public IReadOnlyDictionary<string, string> Unavailable { get; init; } = new Dictionary<string, string>();

    public string? UnavailableReason(string provider) => Unavailable.TryGetValue(provider, out var reason) ? reason : null;

    /// <summary>Stops all submits to a provider after an account-level error; the first reason wins.</summary>
    public void Block(string provider, string reason)
    {
        if (_blocked.TryAdd(provider, reason))
        {
            Progress.For(provider).BlockedReason = reason;
            // The reason usually names the provider already: said once.
            var prefix = provider + ": ";
            Logger.LogWarning(new EventId(1, "provider_blocked"), "{Provider}: stopped submitting: {Reason}", provider, reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason);
        }
    }

    /// <summary>
    /// Counts a job the budget kept from being submitted, and stops submission: everywhere when the global cap was
    /// reached, for that provider only when its own cap was.
    /// </summary>
    public void HoldForBudget(string provider, decimal? estimatedUsd, bool globalCap)
    {
        if (globalCap)
        {
            Interlocked.Exchange(ref _budgetStopped, 1);
        }
        else
        {
            _budgetStoppedProviders.TryAdd(provider, true);
        }

        Interlocked.Increment(ref _budgetRemainingJobs);
        Interlocked.Add(ref _budgetRemainingMicros, (long)((estimatedUsd ?? 0) * 1_000_000m));
    }

    public void CountAmbiguous() => Interlocked.Increment(ref _ambiguous);

    /// <summary>
    /// Runs one worker; an exception it cannot handle stops the whole run at once (no stage is left waiting on a
    /// channel nobody reads) and is rethrown by the engine once every stage has drained.
    /// </summary>
    public async Task GuardAsync(Func<Task> worker)
    {
        try
        {
            await worker().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            // Stopping: this worker's job stays where the ledger says; the next run picks it up.
        }
        catch (Exception ex)
        {
            lock (StopSource)
            {
                Fault ??= ex;
            }

            // As for Ctrl+C: in-flight submits get their grace period, so they are not all left ambiguous.
            await StopSource.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Many workers on one batch (a PostgreSQL ledger); null on the single-process path.</summary>
    public Fleet.FleetSession? Fleet { get; init; }

    /// <summary>Uploads verified outputs to <c>output.store</c>; null when the manifest has none.</summary>
    public StoreSync? Store { get; set; }

    /// <summary>Jobs whose outputs could not be uploaded (or checked) in the output store this run.</summary>
    public int StoragePending => Volatile.Read(ref _storagePending);

    /// <summary>The first storage error of the run (one line), or null.</summary>
    public string? StorageProblem => Volatile.Read(ref _storageProblem);

    /// <summary>Counts a job whose outputs are not (known to be) in the store; keeps the first message.</summary>
    public void ReportStorageProblem(string jobId, string? message)
    {
        Interlocked.Increment(ref _storagePending);
        if (message is not null && Interlocked.CompareExchange(ref _storageProblem, message, null) is null)
        {
            Logger.LogWarning(new EventId(2, "output_store_failed"), "output store: job {JobId}: {Message}", jobId, message);
        }
    }

    /// <summary>Writes one event. Never cancelled: a state change that happened is always recorded.</summary>
    public async Task RecordAsync(LedgerEvent ledgerEvent)
    {
        if (Fleet is not { } fleet)
        {
            await Ledger.AppendAsync(ledgerEvent, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        // The shared database may be down for a while: the event is written once it is back (bounded), never dropped.
        await fleet.Fleet.RideOutAsync(() => Ledger.AppendAsync(ledgerEvent, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
        await fleet.AfterRecordAsync(ledgerEvent).ConfigureAwait(false);
    }
}
