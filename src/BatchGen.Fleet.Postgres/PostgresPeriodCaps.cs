using System.Globalization;
using BatchGen.Core.Costs.Periods;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// The period caps (<c>budget.max_cost_per_day</c> / <c>max_cost_per_month</c>) of fleet workers, counted over every
/// batch in the database. A job's period hold is its row in <c>fleet_reservations</c> with <c>period_day</c> set (the
/// day, in the manifest's time zone, the hold was taken), so it lives exactly as the batch reservation does: settled
/// once by whichever worker settles the job, and left counted while a dead worker's job waits to be taken over.
/// Charges land in <c>fleet_period_spend</c> (spent per batch and day) on the hold's day. Every check-and-hold runs
/// under one transaction-level advisory lock, taken after the batch's budget rows (the order every reservation takes
/// them; a settlement never takes it), so holds of all batches are checked one after the other.
/// </summary>
internal static class PostgresPeriodCaps
{
    /// <summary>The advisory lock that serialises period holds across every batch of the database.</summary>
    private const long HoldLock = 0x42474C31_00000003;

    /// <summary>
    /// Under the period lock: null when <paramref name="amountUsd"/> fits the day's and the month's caps (spent plus held
    /// by every batch, the job's own earlier hold left out), else the refusal in one line.
    /// </summary>
    public static async Task<string?> CheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long batchId, string jobId, SharedPeriodHold hold, decimal amountUsd, string where, CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({HoldLock});", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // One statement: one snapshot, so a settlement that moved a hold to spent is seen whole or not at all.
        decimal dayTotal, monthTotal;
        await using (var totals = new NpgsqlCommand(
            """
            SELECT COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day = @d), 0)
                 + COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day = @d AND NOT (batch_id = @b AND job_id = @j)), 0),
                   COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day >= @m0 AND day < @m1), 0)
                 + COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day >= @m0 AND period_day < @m1 AND NOT (batch_id = @b AND job_id = @j)), 0);
            """,
            connection,
            transaction))
        {
            var month = new DateOnly(hold.Day.Year, hold.Day.Month, 1);
            totals.Parameters.Add(Date("d", hold.Day));
            totals.Parameters.Add(Date("m0", month));
            totals.Parameters.Add(Date("m1", month.AddMonths(1)));
            totals.Parameters.AddWithValue("b", batchId);
            totals.Parameters.AddWithValue("j", jobId);
            await using var reader = await totals.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            dayTotal = reader.GetDecimal(0);
            monthTotal = reader.GetDecimal(1);
        }

        return Refusal(hold, dayTotal, monthTotal, amountUsd, where);
    }

    /// <summary>The refusal for these totals, or null when the amount fits both caps.</summary>
    internal static string? Refusal(SharedPeriodHold hold, decimal dayTotal, decimal monthTotal, decimal amountUsd, string where)
    {
        var c = CultureInfo.InvariantCulture;
        if (hold.Caps.PerDayUsd is { } perDay && dayTotal + amountUsd > perDay)
        {
            return string.Create(c, $"the daily cap of ${perDay:0.00} ({hold.Day:yyyy-MM-dd}, all batches in {where}) would be passed: ${dayTotal:0.00} spent or held that day, ${amountUsd:0.00} more");
        }

        if (hold.Caps.PerMonthUsd is { } perMonth && monthTotal + amountUsd > perMonth)
        {
            return string.Create(c, $"the monthly cap of ${perMonth:0.00} ({hold.Day:yyyy-MM}, all batches in {where}) would be passed: ${monthTotal:0.00} spent or held that month, ${amountUsd:0.00} more");
        }

        return null;
    }

    /// <summary>A settled hold's charge, counted as spent by the batch on the hold's day.</summary>
    public static async Task AddSpentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long batchId, DateOnly day, decimal chargedUsd, CancellationToken cancellationToken)
    {
        await using var add = new NpgsqlCommand(
            "INSERT INTO batchgen.fleet_period_spend (batch_id, day, spent) VALUES (@b, @d, @c) "
            + "ON CONFLICT (batch_id, day) DO UPDATE SET spent = fleet_period_spend.spent + excluded.spent;",
            connection,
            transaction);
        add.Parameters.AddWithValue("b", batchId);
        add.Parameters.Add(Date("d", day));
        add.Parameters.AddWithValue("c", chargedUsd);
        await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Under the period lock, in one transaction: adds to the batch's <c>fleet_period_spend</c> what the spend file
    /// <paramref name="bookId"/> recorded it spent per day beyond what was carried from that file before, and records the
    /// carried figures (<c>fleet_period_carried</c>); returns what was added per day (empty: nothing new). Workers
    /// starting together take turns on the lock, so a spend file's figures are counted once whoever carries them.
    /// </summary>
    public static async Task<IReadOnlyList<(DateOnly Day, decimal SpentUsd)>> CarryAsync(
        NpgsqlDataSource source, long batchId, string bookId, IReadOnlyList<(DateOnly Day, decimal SpentUsd)> local, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({HoldLock});", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var carried = new Dictionary<DateOnly, decimal>();
        await using (var read = new NpgsqlCommand("SELECT day, spent FROM batchgen.fleet_period_carried WHERE batch_id = @b AND book_id = @k;", connection, transaction))
        {
            read.Parameters.AddWithValue("b", batchId);
            read.Parameters.AddWithValue("k", bookId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                carried[await reader.GetFieldValueAsync<DateOnly>(0, cancellationToken).ConfigureAwait(false)] = reader.GetDecimal(1);
            }
        }

        var added = new List<(DateOnly, decimal)>();
        foreach (var (day, spent) in local)
        {
            var more = spent - carried.GetValueOrDefault(day);
            if (more <= 0)
            {
                continue;
            }

            await AddSpentAsync(connection, transaction, batchId, day, more, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(
                "INSERT INTO batchgen.fleet_period_carried (batch_id, book_id, day, spent, carried_at) VALUES (@b, @k, @d, @s, @t) "
                + "ON CONFLICT (batch_id, book_id, day) DO UPDATE SET spent = excluded.spent, carried_at = excluded.carried_at;",
                connection,
                transaction);
            record.Parameters.AddWithValue("b", batchId);
            record.Parameters.AddWithValue("k", bookId);
            record.Parameters.Add(Date("d", day));
            record.Parameters.AddWithValue("s", spent);
            record.Parameters.AddWithValue("t", now);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            added.Add((day, more));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <summary>Spent plus held by every batch of the database on <paramref name="day"/> and in its month.</summary>
    public static async Task<(decimal Day, decimal Month)> TotalsAsync(NpgsqlDataSource source, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var standing = await StandingAsync(connection, day, cancellationToken).ConfigureAwait(false);
        return (standing.Today.TotalUsd, standing.ThisMonth.TotalUsd);
    }

    /// <summary>Spent and held by every batch of the database on <paramref name="day"/> and in its month (no lock taken).</summary>
    public static async Task<PeriodStanding> StandingAsync(NpgsqlConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        // One statement: one snapshot, so a settlement that moved a hold to spent is seen whole or not at all.
        await using var command = new NpgsqlCommand(
            """
            SELECT COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day = @d), 0),
                   COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day = @d), 0),
                   COALESCE((SELECT sum(spent) FROM batchgen.fleet_period_spend WHERE day >= @m0 AND day < @m1), 0),
                   COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE period_day >= @m0 AND period_day < @m1), 0);
            """,
            connection);
        var month = new DateOnly(day.Year, day.Month, 1);
        command.Parameters.Add(Date("d", day));
        command.Parameters.Add(Date("m0", month));
        command.Parameters.Add(Date("m1", month.AddMonths(1)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PeriodStanding(
            day,
            new PeriodAmounts(reader.GetDecimal(0), reader.GetDecimal(1)),
            new PeriodAmounts(reader.GetDecimal(2), reader.GetDecimal(3)));
    }

    /// <summary>A <c>date</c> parameter; null is SQL NULL (a reservation without a period hold).</summary>
    public static NpgsqlParameter Date(string name, DateOnly? day) =>
        new(name, NpgsqlDbType.Date) { Value = day is { } d ? d : DBNull.Value };
}
