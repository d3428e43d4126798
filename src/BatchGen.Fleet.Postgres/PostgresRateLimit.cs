using BatchGen.Core.Pipeline.Fleet;
using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// One request slot per <c>UPDATE ... RETURNING</c> on the key's row in <c>fleet_rates</c> (a GCRA token bucket: the
/// row's <c>tat</c> is the next free slot; each permit takes the slot and moves it 1/rate later), so requests from
/// every worker together leave at most at the configured rate, in the database's clock. The row's rate is the AIMD
/// state every worker shares: halved on a 429 (with a pause until its Retry-After), raised by a small step per permit.
/// </summary>
internal sealed class PostgresRateLimit : ISharedRateLimit
{
    private readonly NpgsqlDataSource _source;
    private readonly FleetOptions _options;

    private readonly FleetOutage _outage;

    public PostgresRateLimit(NpgsqlDataSource source, FleetOptions options, FleetOutage outage)
    {
        _source = source;
        _options = options;
        _outage = outage;
    }

    /// <summary>Creates each provider's row; the configured rate of the latest worker to start is the ceiling.</summary>
    public Task RegisterAsync(CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            foreach (var (provider, rate) in _options.Rates)
            {
                await using var command = _source.CreateCommand(
                    "INSERT INTO batchgen.fleet_rates (key, provider, ceiling, rate, tat) VALUES (@k, @p, @c, @c, clock_timestamp()) "
                    + "ON CONFLICT (key) DO UPDATE SET ceiling = excluded.ceiling, rate = LEAST(fleet_rates.rate, excluded.ceiling);");
                command.Parameters.AddWithValue("k", rate.KeyIdentity);
                command.Parameters.AddWithValue("p", provider);
                command.Parameters.AddWithValue("c", rate.PerSecond);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        });

    public async Task AcquireAsync(string provider, CancellationToken cancellationToken)
    {
        if (!_options.Rates.TryGetValue(provider, out var rate))
        {
            return;
        }

        var wait = await _outage.RunAsync(async () =>
        {
            await using var command = _source.CreateCommand(
                """
                WITH cur AS (
                    SELECT key, GREATEST(tat, clock_timestamp()) AS slot, rate FROM batchgen.fleet_rates WHERE key = @k FOR UPDATE
                )
                UPDATE batchgen.fleet_rates r SET
                    tat = cur.slot + make_interval(secs => 1.0 / cur.rate),
                    rate = LEAST(r.ceiling, cur.rate + r.ceiling * @step),
                    granted = r.granted + 1
                FROM cur WHERE r.key = cur.key
                RETURNING EXTRACT(EPOCH FROM (cur.slot - clock_timestamp()))::double precision;
                """);
            command.Parameters.AddWithValue("k", rate.KeyIdentity);
            command.Parameters.AddWithValue("step", FleetConstants.IncreaseFraction);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is double seconds ? seconds : 0d;
        }, cancellationToken).ConfigureAwait(false);
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait), _options.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task OnThrottledAsync(string provider, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        if (!_options.Rates.TryGetValue(provider, out var rate))
        {
            return Task.CompletedTask;
        }

        return _outage.RunAsync(async () =>
        {
            await using var command = _source.CreateCommand(
                "UPDATE batchgen.fleet_rates SET rate = GREATEST(ceiling * @min, rate / 2), throttled = throttled + 1, "
                + "tat = GREATEST(tat, clock_timestamp() + @pause) WHERE key = @k;");
            command.Parameters.AddWithValue("k", rate.KeyIdentity);
            command.Parameters.AddWithValue("min", FleetConstants.MinimumRateFraction);
            command.Parameters.AddWithValue("pause", retryAfter ?? TimeSpan.FromSeconds(1 / rate.PerSecond));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }
}
