using BatchGen.Core.Costs.Periods;
using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// Reads where the fleet's period caps stand (for <c>batchgen status</c>) without joining the fleet: no worker row, no
/// lease, no lock, no table created. The same rows <see cref="PostgresPeriodCaps"/> adds up: <c>fleet_period_spend</c>
/// (spent) and the <c>fleet_reservations</c> rows with a <c>period_day</c> (held), over every batch in the database.
/// </summary>
public static class FleetPeriodReader
{
    /// <summary>The standing on <paramref name="day"/> and in its month; null when the fleet's tables do not exist yet.</summary>
    public static async Task<PeriodStanding?> ReadAsync(string connectionString, DateOnly day, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand(
            """
            SELECT to_regclass('batchgen.fleet_period_spend') IS NOT NULL
               AND EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = 'batchgen' AND table_name = 'fleet_reservations' AND column_name = 'period_day');
            """,
            connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        return await PostgresPeriodCaps.StandingAsync(connection, day, cancellationToken).ConfigureAwait(false);
    }
}
