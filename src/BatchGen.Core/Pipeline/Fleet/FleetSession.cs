using System.Collections.Concurrent;
using System.Threading.Channels;
using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline.Fleet;

/// <summary>
/// One run's side of the fleet: the jobs this worker holds (claimed, not yet released), when a recorded event ends its
/// part in a job, and the bridge from the local budget gate (uncapped in a fleet) to the shared budget: each local
/// reservation is tied to its job, reserved in the shared budget before the submit and settled there after.
/// </summary>
internal sealed class FleetSession
{
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _released = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<BudgetReservation, string> _reservations = new();
    private readonly Channel<(string JobId, decimal? Charged)> _settlements =
        Channel.CreateBounded<(string, decimal?)>(new BoundedChannelOptions(FleetFeeder.SettlementQueue) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public FleetSession(IWorkerFleet fleet)
    {
        Fleet = fleet;
    }

    public IWorkerFleet Fleet { get; }

    /// <summary>False once the leases could not be renewed (the database is unreachable): nothing more is submitted.</summary>
    public bool CanSubmit => !Fleet.LeasesLost.IsCancellationRequested && Fleet.OutageNotice is null;

    /// <summary>Settlements that could not be queued (never expected): their money stays held in the shared budget.</summary>
    public int DroppedSettlements { get; private set; }

    public int HeldCount(string provider) => _held.Count(kv => kv.Value == provider);

    public void OnClaimed(string jobId, string provider) => _held[jobId] = provider;

    /// <summary>Signalled when this worker releases a job of the provider (the feeder may claim again).</summary>
    public SemaphoreSlim ReleasedSignal(string provider) => _released.GetOrAdd(provider, static _ => new SemaphoreSlim(0));

    /// <summary>This worker is done with the job: its lease goes (others may take it if it is unfinished).</summary>
    public async Task ReleaseAsync(string jobId)
    {
        if (_held.TryRemove(jobId, out var provider))
        {
            await Fleet.Claims.ReleaseAsync(jobId, CancellationToken.None).ConfigureAwait(false);
            ReleasedSignal(provider).Release();
        }
    }

    /// <summary>After every recorded event: a job that reached the end of this worker's part is released.</summary>
    public Task AfterRecordAsync(LedgerEvent recorded) => EndsHold(recorded) ? ReleaseAsync(recorded.JobId) : Task.CompletedTask;

    /// <summary>
    /// True when the event ends what this worker does with the job: succeeded, failed, blocked, ambiguous (an intent with
    /// an error), left pending after its retries, or an account error while polling (the provider stops for this run).
    /// </summary>
    internal static bool EndsHold(LedgerEvent recorded) => recorded.State switch
    {
        JobState.Succeeded or JobState.Failed or JobState.Blocked => true,
        JobState.Submitting => recorded.ErrorClass is not null,
        JobState.Pending => recorded.ErrorClass is not null && recorded.Note?.EndsWith("retrying", StringComparison.Ordinal) != true,
        JobState.Submitted or JobState.Running => recorded.ErrorClass == ErrorClass.Account,
        _ => false,
    };

    /// <summary>
    /// Reserves the job's estimate in the shared budget under this worker's caps, and against the period caps on
    /// <paramref name="period"/>'s day when set (one transaction).
    /// </summary>
    public async Task<SharedBudgetAnswer> ReserveAsync(string jobId, BudgetReservation local, decimal? maxCostUsd, decimal? providerCapUsd, Costs.Periods.SharedPeriodHold? period, CancellationToken cancellationToken)
    {
        var answer = await Fleet.Budget.TryReserveAsync(
            new SharedReservation(jobId, local.Provider, local.HeldUsd, maxCostUsd, providerCapUsd, period), cancellationToken).ConfigureAwait(false);
        if (answer.Verdict == SharedBudgetVerdict.Reserved)
        {
            _reservations[local] = jobId;
        }

        return answer;
    }

    /// <summary>A reservation taken over from the ledger (a job in flight when the run started): settled in the shared budget too.</summary>
    public void Adopt(string jobId, BudgetReservation local) => _reservations[local] = jobId;

    /// <summary>The local gate settled a reservation: the same settlement goes to the shared budget (in order, by one writer).</summary>
    public void OnSettled(BudgetReservation reservation, decimal? charged)
    {
        if (_reservations.TryRemove(reservation, out var jobId) && !_settlements.Writer.TryWrite((jobId, charged)))
        {
            // Left held in the shared budget: counted as spent-or-reserved, so the cap errs on the safe side.
            DroppedSettlements++;
        }
    }

    /// <summary>Writes settlements until <see cref="CompleteSettlements"/>; awaited by the engine after the stages.</summary>
    public async Task RunSettlementsAsync()
    {
        await foreach (var (jobId, charged) in _settlements.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await Fleet.Budget.SettleAsync(jobId, charged, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void CompleteSettlements() => _settlements.Writer.TryComplete();
}
