using BatchGen.Core.Pipeline.Fleet;
using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// One worker's membership of a batch's fleet in PostgreSQL: its claims, the shared rate buckets and budget, and a
/// heartbeat that renews its leases every third of the lease time. When the heartbeat cannot reach the database for a
/// whole lease time, <see cref="LeasesLost"/> is cancelled: other workers may take the jobs over, so this one must not
/// submit any more. Disposing releases every lease still held (others take the jobs at once) and stops the heartbeat.
/// </summary>
public sealed class PostgresFleet : IWorkerFleet
{
    private readonly NpgsqlDataSource _source;
    private readonly FleetOptions _options;
    private readonly PostgresClaims _claims;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly FleetOutage _outage;
    private Task _heartbeat = Task.CompletedTask;
    private bool _frozen;

    private PostgresFleet(NpgsqlDataSource source, FleetOptions options)
    {
        _source = source;
        _options = options;
        _outage = new FleetOutage(options);
        _claims = new PostgresClaims(source, options, _outage);
        RateLimit = new PostgresRateLimit(source, options, _outage);
        SharedBudget = new PostgresBudget(source, options, _outage);
    }

    public string WorkerId => _options.WorkerId;

    public IJobClaims Claims => _claims;

    public ISharedRateLimit Rate => RateLimit;

    public ISharedBudget Budget => SharedBudget;

    /// <summary>Cancelled once the heartbeat failed for a whole lease time (the database is unreachable).</summary>
    public CancellationToken LeasesLost => _lost.Token;

    public string? OutageNotice => _outage.Notice;

    public Task RideOutAsync(Func<Task> action, CancellationToken cancellationToken) => _outage.RunAsync(action, cancellationToken);

    internal PostgresRateLimit RateLimit { get; }

    internal PostgresBudget SharedBudget { get; }

    /// <summary>Creates the fleet tables if needed, registers the worker and its rate buckets, and starts the heartbeat.</summary>
    public static async Task<PostgresFleet> JoinAsync(string connectionString, FleetOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var source = builder.Build();
        var fleet = new PostgresFleet(source, options);
        try
        {
            await FleetErrors.GuardAsync(options.Display, () => FleetSchema.EnsureAsync(source, cancellationToken)).ConfigureAwait(false);
            await fleet._claims.RegisterAsync(cancellationToken).ConfigureAwait(false);
            await fleet.RateLimit.RegisterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        fleet._heartbeat = fleet.HeartbeatAsync();
        return fleet;
    }

    /// <summary>
    /// Before this worker's first hold: brings into the fleet's period totals what this batch spent per day under the
    /// machine's spend file <paramref name="bookId"/> (while it ran on a SQLite ledger), what was not carried from that
    /// file before. Returns what was added per day (empty when nothing was new).
    /// </summary>
    public Task<IReadOnlyList<(DateOnly Day, decimal SpentUsd)>> CarryPeriodSpendAsync(string bookId, IReadOnlyList<(DateOnly Day, decimal SpentUsd)> spent, CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, () => PostgresPeriodCaps.CarryAsync(_source, _options.BatchId, bookId, spent, _options.Time.GetUtcNow(), cancellationToken));

    /// <summary>
    /// <c>ledger copy</c> into PostgreSQL: the same carry without joining the fleet (its tables are created when needed).
    /// </summary>
    public static async Task<IReadOnlyList<(DateOnly Day, decimal SpentUsd)>> CarryCopiedPeriodSpendAsync(
        string connectionString, long batchId, string display, string bookId, IReadOnlyList<(DateOnly Day, decimal SpentUsd)> spent, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        await using var source = NpgsqlDataSource.Create(connectionString);
        return await FleetErrors.GuardAsync(display, async () =>
        {
            await FleetSchema.EnsureAsync(source, cancellationToken).ConfigureAwait(false);
            return await PostgresPeriodCaps.CarryAsync(source, batchId, bookId, spent, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Tests: the worker freezes as a killed one would (no heartbeat, no release at dispose).</summary>
    internal async Task FreezeAsync()
    {
        _frozen = true;
        await StopHeartbeatAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        try
        {
            if (_frozen)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _claims.ReleaseAllAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FleetUnavailableException or OperationCanceledException or NpgsqlException)
        {
            // The database is gone: the leases expire by themselves and others take the jobs over then.
        }
        finally
        {
            await _source.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
            _lost.Dispose();
        }
    }

    private async Task StopHeartbeatAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _heartbeat.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task HeartbeatAsync()
    {
        var interval = _options.LeaseTime / 3;
        var lastOk = _options.Time.GetTimestamp();
        using var timer = new PeriodicTimer(interval, _options.Time);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                attempt.CancelAfter(interval);
                await _claims.RenewAsync(attempt.Token).ConfigureAwait(false);
                lastOk = _options.Time.GetTimestamp();
            }
            catch (Exception ex) when (ex is FleetUnavailableException or NpgsqlException || (ex is OperationCanceledException && !_stop.IsCancellationRequested))
            {
                _outage.Remember();
                if (_options.Time.GetElapsedTime(lastOk) >= _options.LeaseTime && !_lost.IsCancellationRequested)
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
