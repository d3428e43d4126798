using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline.Fleet;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// Rides out a PostgreSQL outage: an operation whose connection failed is tried again every second until the server is
/// back or the outage lasted <see cref="FleetOptions.OutageTime"/> (then a <see cref="FleetUnavailableException"/>).
/// The first failure is remembered: from then on this worker submits nothing new (its leases may have expired and been
/// taken over), finishes recording what it has in flight, and exits with the storage error code and one line.
/// </summary>
internal sealed class FleetOutage(FleetOptions options)
{
    private readonly Lock _gate = new();

    /// <summary>The line the run ends with once an outage was seen; null while none was.</summary>
    public string? Notice { get; private set; }

    public async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        long? since = null;
        while (true)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                since ??= options.Time.GetTimestamp();
                Remember();
                if (options.Time.GetElapsedTime(since.Value) >= options.OutageTime)
                {
                    throw new FleetUnavailableException($"{options.Display} is unreachable for {options.OutageTime.TotalSeconds:0} s", ex);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), options.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task RunAsync(Func<Task> action, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>A lost connection, from Npgsql directly or wrapped by the ledger or the fleet.</summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        FleetUnavailableException => true,
        LedgerException { InnerException: { } inner } => FleetErrors.IsConnectionFailure(inner),
        _ => FleetErrors.IsConnectionFailure(ex),
    };

    public void Remember()
    {
        lock (_gate)
        {
            Notice ??= $"{options.Display} became unreachable mid-run";
        }
    }
}
