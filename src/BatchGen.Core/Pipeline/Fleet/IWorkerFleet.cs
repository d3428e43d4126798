namespace BatchGen.Core.Pipeline.Fleet;

/// <summary>
/// What many workers running one batch share (a PostgreSQL database: BatchGen.Fleet.Postgres). Null in a run on a
/// SQLite ledger, which keeps its single-process path unchanged. Three narrow parts: who works which job
/// (<see cref="Claims"/>), how fast each API key may be called (<see cref="Rate"/>), and what the batch may spend
/// (<see cref="Budget"/>). A failure to reach the shared store is a <see cref="FleetUnavailableException"/>.
/// </summary>
public interface IWorkerFleet : IAsyncDisposable
{
    /// <summary>This process's id in the fleet (host, pid and a random suffix): the owner of its leases.</summary>
    string WorkerId { get; }

    IJobClaims Claims { get; }

    ISharedRateLimit Rate { get; }

    ISharedBudget Budget { get; }

    /// <summary>Cancelled when this worker could not renew its leases for a whole lease time: it must not submit any more.</summary>
    CancellationToken LeasesLost { get; }

    /// <summary>Set once the shared database was seen unreachable: this worker submits nothing more and ends with it.</summary>
    string? OutageNotice { get; }

    /// <summary>
    /// Runs a write to the shared database (a ledger event), trying again while it is unreachable for a bounded time, so a
    /// result paid for is recorded once the server is back; after that time, a <see cref="FleetUnavailableException"/>.
    /// </summary>
    Task RideOutAsync(Func<Task> action, CancellationToken cancellationToken);
}

/// <summary>Jobs claimed under a lease renewed by a heartbeat; a dead worker's leases expire and others take its jobs.</summary>
public interface IJobClaims
{
    /// <summary>
    /// Claims up to <paramref name="request"/>'s count of the provider's unfinished jobs nobody holds (never leased, lease
    /// expired, or released by another worker), in ledger order, skipping rows others are claiming at the same moment.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Right before a submit leaves: true when this worker still holds the job's lease (extended by a full lease time), so
    /// no other worker can have taken it over. False: the request must not be sent.
    /// </summary>
    Task<bool> ConfirmAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>This worker is done with the job (whatever its state): others may claim it if it is still unfinished.</summary>
    Task ReleaseAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>True while other live workers hold unfinished jobs of the provider (they may die: wait and claim again).</summary>
    Task<bool> OthersHoldWorkAsync(string provider, CancellationToken cancellationToken);
}

/// <summary>What a worker asks to claim for one provider.</summary>
/// <param name="Provider">The provider whose jobs are claimed.</param>
/// <param name="MaxJobs">At most this many (a small batch: what the lane has room for).</param>
/// <param name="Concurrency">The provider's tasks-in-flight cap across every worker: jobs still to submit are claimed only below it.</param>
/// <param name="Submits">False once this worker may not submit (budget, halt): only jobs already accepted are claimed.</param>
/// <param name="ClaimAmbiguous">True when ambiguous jobs are resubmitted (provider honours Idempotency-Key, or --resubmit-ambiguous).</param>
public sealed record ClaimRequest(string Provider, int MaxJobs, int Concurrency, bool Submits, bool ClaimAmbiguous);

/// <summary>One request rate per API key, counted across every worker (submits and polls), with shared AIMD slow-down.</summary>
public interface ISharedRateLimit
{
    /// <summary>Waits until one request to the provider may leave (its slot is reserved in the shared bucket).</summary>
    Task AcquireAsync(string provider, CancellationToken cancellationToken);

    /// <summary>The provider answered 429: halve the shared rate and pause everyone for its Retry-After.</summary>
    Task OnThrottledAsync(string provider, TimeSpan? retryAfter, CancellationToken cancellationToken);
}

/// <summary>The batch's budget, reserved in transactions on a shared row: no overshoot however many workers.</summary>
public interface ISharedBudget
{
    /// <summary>
    /// Reserves <paramref name="estimatedUsd"/> for the job when, for the batch cap and the provider's cap,
    /// spent + reserved + estimate stays within it (every worker's reservations counted).
    /// When the reservation carries a <see cref="SharedReservation.Period"/>, the same transaction also holds it against
    /// the period caps, counted over every batch in the database (spent plus held on the day, and in its month).
    /// </summary>
    Task<SharedBudgetAnswer> TryReserveAsync(SharedReservation reservation, CancellationToken cancellationToken);

    /// <summary>
    /// Settles the job's reservation once: <paramref name="chargedUsd"/> moves to spent, null releases it. A period hold
    /// goes with it: the charge counts as spent on the day the hold was taken.
    /// </summary>
    Task SettleAsync(string jobId, decimal? chargedUsd, CancellationToken cancellationToken);

    /// <summary>
    /// The batch's first worker seeds the shared figures from the ledger: spent per provider, and a reservation at its
    /// estimate for each job in flight (held on <paramref name="periodDay"/> against the period caps too, when set). Later
    /// workers find them and change nothing.
    /// </summary>
    Task SeedAsync(IReadOnlyDictionary<string, decimal> spentByProvider, IReadOnlyDictionary<string, (string Provider, decimal Amount)> inFlight, DateOnly? periodDay, CancellationToken cancellationToken);
}

/// <summary>A reservation asked for one job under the caps this worker runs with (and its period caps, when set).</summary>
public sealed record SharedReservation(string JobId, string Provider, decimal EstimatedUsd, decimal? MaxCostUsd, decimal? ProviderCapUsd, Costs.Periods.SharedPeriodHold? Period = null);

/// <summary>The shared budget's answer, with the one-line reason of a period cap's refusal.</summary>
public sealed record SharedBudgetAnswer(SharedBudgetVerdict Verdict, string? Reason = null)
{
    public static SharedBudgetAnswer Reserved { get; } = new(SharedBudgetVerdict.Reserved);
}

/// <summary>The shared budget's answer.</summary>
public enum SharedBudgetVerdict
{
    Reserved,

    /// <summary>The batch cap would be passed.</summary>
    RefusedGlobal,

    /// <summary>The provider's own cap would be passed.</summary>
    RefusedProvider,

    /// <summary>A period cap (per day or per month, every batch in the database) would be passed.</summary>
    RefusedPeriod,
}
