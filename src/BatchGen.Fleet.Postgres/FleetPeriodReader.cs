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

        // One statement: one snapshot, so a settlement that moved a hold to spent is seen whole or not at all.
        await using var totals = new NpgsqlCommand(
            """
            SELECT COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day = @d), 0),
                   COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day = @d), 0),
                   COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day >= @m0 AND day < @m1), 0),
                   COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day >= @m0 AND period_day < @m1), 0);
            """,
            connection);
        var month = new DateOnly(day.Year, day.Month, 1);
        totals.Parameters.Add(PostgresPeriodCaps.Date("d", day));
        totals.Parameters.Add(PostgresPeriodCaps.Date("m0", month));
        totals.Parameters.Add(PostgresPeriodCaps.Date("m1", month.AddMonths(1)));
        await using var reader = await totals.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PeriodStanding(
            day,
            new PeriodAmounts(reader.GetDecimal(0), reader.GetDecimal(1)),
            new PeriodAmounts(reader.GetDecimal(2), reader.GetDecimal(3)));
    }
}
