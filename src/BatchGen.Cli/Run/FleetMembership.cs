using System.Globalization;
using BatchGen.Cli.Ledger;
using BatchGen.Cli.Logging;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using BatchGen.Fleet.Postgres;
using BatchGen.Ledger.Postgres;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Run;

/// <summary>
/// A run on a PostgreSQL ledger joins the batch's fleet: claims under leases, the request rate of each API key and the
/// budget shared with every other worker. A run on SQLite stays alone (null).
/// </summary>
internal static class FleetMembership
{
    public static async Task<PostgresFleet?> JoinAsync(
        LedgerSelection selection,
        ILedger ledger,
        IReadOnlyDictionary<string, ProviderSettings> providers,
        IReadOnlyDictionary<string, ApiKeyReading> keys,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (ledger is not PostgresLedger postgres)
        {
            return null;
        }

        var address = LedgerStores.Parse(selection);
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal);
        foreach (var (name, settings) in providers)
        {
            if (keys.GetValueOrDefault(name)?.Key is { } key)
            {
                // Keyed by a hash of the key: workers (and batches) sharing a key share its limit; the key never leaves.
                rates[name] = new ProviderRate(FleetConstants.KeyIdentity(name, key), settings.RateLimit.PerSecond);
            }
        }

        return await PostgresFleet.JoinAsync(address.Builder.ConnectionString, new FleetOptions
        {
            BatchId = postgres.BatchId,
            LeaseTime = Seconds(FleetConstants.LeaseSecondsVariable) ?? FleetConstants.DefaultLeaseTime,
            OutageTime = Seconds(FleetConstants.OutageSecondsVariable) ?? FleetConstants.DefaultOutageTime,
            Rates = rates,
            Display = $"PostgreSQL at {address.HostPort}",
            Time = time,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Carries the batch's spend under this machine's spend file into the fleet's period totals (once per spend file:
    /// only what was not carried from it before); one info line when something was carried.
    /// </summary>
    public static async Task CarryPeriodSpendAsync(PostgresFleet fleet, LocalPeriodSpend local, LogSink log, CancellationToken cancellationToken)
    {
        if (local.Days.Count == 0)
        {
            return;
        }

        var added = await fleet.CarryPeriodSpendAsync(local.BookId, local.Days, cancellationToken).ConfigureAwait(false);
        if (added.Count == 0)
        {
            return;
        }

        log.Write(LogLevel.Information, "period_spend_carried", local.Describe(added));
    }

    /// <summary>A time in seconds from the environment (1 to 3600: <c>BATCHGEN_LEASE_SECONDS</c>, <c>BATCHGEN_PG_OUTAGE_SECONDS</c>); null when unset or out of range.</summary>
    private static TimeSpan? Seconds(string variable) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
