using BatchGen.Core.Pipeline.Fleet;
using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// The batch's budget in <c>fleet_budget</c> (spent, for the batch under scope '' and per provider) and
/// <c>fleet_reservations</c> (money held per job in flight). A reservation locks the batch row (then the provider's)
/// <c>FOR UPDATE</c>, so reservations from every worker are checked one after the other against spent + held; a
/// settlement deletes the job's reservation and, when charged, adds the charge to spent, once (a second settle of the
/// same job finds nothing to delete). A worker that dies leaves its reservations held: its jobs' money stays counted
/// until the worker that takes them over settles them. With period caps, the same reservation is also the job's period
/// hold (see <see cref="PostgresPeriodCaps"/>), checked in the same transaction after the batch's caps.
/// </summary>
internal sealed class PostgresBudget : ISharedBudget
{
    private const string Batch = "";

    private readonly NpgsqlDataSource _source;
    private readonly FleetOptions _options;

    private readonly FleetOutage _outage;

    public PostgresBudget(NpgsqlDataSource source, FleetOptions options, FleetOutage outage)
    {
        _source = source;
        _options = options;
        _outage = outage;
        var database = new NpgsqlConnectionStringBuilder(source.ConnectionString).Database;
        PeriodScope = string.IsNullOrEmpty(database) ? $"the database of {options.Display}" : $"the database '{database}' of {options.Display}";
    }

    /// <summary>Where the period caps count, for their refusals: the database and server (never the password).</summary>
    internal string PeriodScope { get; }

    /// <summary>
    /// The first worker of a batch seeds the rows from the ledger: what it has spent per provider and a reservation at
    /// its estimate for each job in flight. Later workers find the rows and leave them.
    /// </summary>
    public Task SeedAsync(IReadOnlyDictionary<string, decimal> spentByProvider, IReadOnlyDictionary<string, (string Provider, decimal Amount)> inFlight, DateOnly? periodDay, CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var insert = new NpgsqlCommand("INSERT INTO batchgen.fleet_budget (batch_id, scope, spent) VALUES (@b, '', @s) ON CONFLICT DO NOTHING;", connection, transaction))
            {
                insert.Parameters.AddWithValue("b", _options.BatchId);
                insert.Parameters.AddWithValue("s", spentByProvider.Values.Sum());
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }

            foreach (var (provider, spent) in spentByProvider)
            {
                await using var row = new NpgsqlCommand("INSERT INTO batchgen.fleet_budget (batch_id, scope, spent) VALUES (@b, @p, @s) ON CONFLICT DO NOTHING;", connection, transaction);
                row.Parameters.AddWithValue("b", _options.BatchId);
                row.Parameters.AddWithValue("p", provider);
                row.Parameters.AddWithValue("s", spent);
                await row.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var (jobId, (provider, amount)) in inFlight)
            {
                // Already submitted: held without a check, against the period caps too (on today's day) when they are set.
                await using var held = new NpgsqlCommand("INSERT INTO batchgen.fleet_reservations (batch_id, job_id, provider, amount, period_day) VALUES (@b, @j, @p, @a, @d) ON CONFLICT DO NOTHING;", connection, transaction);
                held.Parameters.AddWithValue("b", _options.BatchId);
                held.Parameters.AddWithValue("j", jobId);
                held.Parameters.AddWithValue("p", provider);
                held.Parameters.AddWithValue("a", amount);
                held.Parameters.Add(PostgresPeriodCaps.Date("d", periodDay));
                await held.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        });

    public Task<SharedBudgetAnswer> TryReserveAsync(SharedReservation reservation, CancellationToken cancellationToken) =>
        _outage.RunAsync(async () =>
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var ensure = new NpgsqlCommand(
                "INSERT INTO batchgen.fleet_budget (batch_id, scope) VALUES (@b, ''), (@b, @p) ON CONFLICT DO NOTHING;", connection, transaction))
            {
                ensure.Parameters.AddWithValue("b", _options.BatchId);
                ensure.Parameters.AddWithValue("p", reservation.Provider);
                await ensure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Locked in a fixed order (the batch row first), as every settlement does: no deadlock between workers.
            decimal spentAll = 0, spentProvider = 0;
            await using (var rows = new NpgsqlCommand(
                "SELECT scope, spent FROM batchgen.fleet_budget WHERE batch_id = @b AND scope IN ('', @p) ORDER BY scope FOR UPDATE;", connection, transaction))
            {
                rows.Parameters.AddWithValue("b", _options.BatchId);
                rows.Parameters.AddWithValue("p", reservation.Provider);
                await using var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.GetString(0) == Batch)
                    {
                        spentAll = reader.GetDecimal(1);
                    }
                    else
                    {
                        spentProvider = reader.GetDecimal(1);
                    }
                }
            }

            decimal heldAll, heldProvider;
            await using (var held = new NpgsqlCommand(
                "SELECT COALESCE(sum(amount), 0), COALESCE(sum(amount) FILTER (WHERE provider = @p), 0) FROM batchgen.fleet_reservations WHERE batch_id = @b AND job_id <> @j;",
                connection,
                transaction))
            {
                held.Parameters.AddWithValue("b", _options.BatchId);
                held.Parameters.AddWithValue("p", reservation.Provider);
                held.Parameters.AddWithValue("j", reservation.JobId);
                await using var reader = await held.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                heldAll = reader.GetDecimal(0);
                heldProvider = reader.GetDecimal(1);
            }

            var answer = reservation.MaxCostUsd is { } cap && spentAll + heldAll + reservation.EstimatedUsd > cap ? new SharedBudgetAnswer(SharedBudgetVerdict.RefusedGlobal)
                : reservation.ProviderCapUsd is { } own && spentProvider + heldProvider + reservation.EstimatedUsd > own ? new SharedBudgetAnswer(SharedBudgetVerdict.RefusedProvider)
                : SharedBudgetAnswer.Reserved;
            if (answer.Verdict == SharedBudgetVerdict.Reserved && reservation.Period is { } period
                && await PostgresPeriodCaps.CheckAsync(connection, transaction, _options.BatchId, reservation.JobId, period, reservation.EstimatedUsd, PeriodScope, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                answer = new SharedBudgetAnswer(SharedBudgetVerdict.RefusedPeriod, refusal);
            }

            if (answer.Verdict == SharedBudgetVerdict.Reserved)
            {
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO batchgen.fleet_reservations (batch_id, job_id, provider, amount, period_day) VALUES (@b, @j, @p, @a, @d) "
                    + "ON CONFLICT (batch_id, job_id) DO UPDATE SET amount = excluded.amount, provider = excluded.provider, period_day = excluded.period_day;",
                    connection,
                    transaction);
                insert.Parameters.AddWithValue("b", _options.BatchId);
                insert.Parameters.AddWithValue("j", reservation.JobId);
                insert.Parameters.AddWithValue("p", reservation.Provider);
                insert.Parameters.AddWithValue("a", reservation.EstimatedUsd);
                insert.Parameters.Add(PostgresPeriodCaps.Date("d", reservation.Period?.Day));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return answer;
        }, cancellationToken);

    public Task SettleAsync(string jobId, decimal? chargedUsd, CancellationToken cancellationToken) =>
        _outage.RunAsync(async () =>
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockBatch = new NpgsqlCommand("SELECT 1 FROM batchgen.fleet_budget WHERE batch_id = @b AND scope = '' FOR UPDATE;", connection, transaction))
            {
                lockBatch.Parameters.AddWithValue("b", _options.BatchId);
                await lockBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            string? provider = null;
            DateOnly? periodDay = null;
            await using (var delete = new NpgsqlCommand("DELETE FROM batchgen.fleet_reservations WHERE batch_id = @b AND job_id = @j RETURNING provider, period_day;", connection, transaction))
            {
                delete.Parameters.AddWithValue("b", _options.BatchId);
                delete.Parameters.AddWithValue("j", jobId);
                await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    provider = reader.GetString(0);
                    periodDay = await reader.IsDBNullAsync(1, cancellationToken).ConfigureAwait(false) ? null : await reader.GetFieldValueAsync<DateOnly>(1, cancellationToken).ConfigureAwait(false);
                }
            }

            if (periodDay is { } day && chargedUsd is { } periodCharge && periodCharge != 0m)
            {
                // The hold's charge, once: a second settle of the job found no row above.
                await PostgresPeriodCaps.AddSpentAsync(connection, transaction, _options.BatchId, day, periodCharge, cancellationToken).ConfigureAwait(false);
            }

            if (provider is not null && chargedUsd is { } charged && charged != 0m)
            {
                await using var add = new NpgsqlCommand(
                    "UPDATE batchgen.fleet_budget SET spent = spent + @c WHERE batch_id = @b AND scope = ''; "
                    + "INSERT INTO batchgen.fleet_budget (batch_id, scope, spent) VALUES (@b, @p, @c) ON CONFLICT (batch_id, scope) DO UPDATE SET spent = fleet_budget.spent + excluded.spent;",
                    connection,
                    transaction);
                add.Parameters.AddWithValue("b", _options.BatchId);
                add.Parameters.AddWithValue("p", provider);
                add.Parameters.AddWithValue("c", charged);
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Spent plus held by every batch of the database on <paramref name="day"/> and in its month (the period caps' totals).</summary>
    public Task<(decimal Day, decimal Month)> ReadPeriodAsync(DateOnly day, CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, () => PostgresPeriodCaps.TotalsAsync(_source, day, cancellationToken));

    /// <summary>Spent and held for the batch (all providers): for tests and the bench.</summary>
    public Task<(decimal Spent, decimal Held)> ReadAsync(CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            await using var command = _source.CreateCommand(
                "SELECT COALESCE((SELECT spent FROM batchgen.fleet_budget WHERE batch_id = @b AND scope = ''), 0), "
                + "COALESCE((SELECT sum(amount) FROM batchgen.fleet_reservations WHERE batch_id = @b), 0);");
            command.Parameters.AddWithValue("b", _options.BatchId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetDecimal(0), reader.GetDecimal(1));
        });
}
