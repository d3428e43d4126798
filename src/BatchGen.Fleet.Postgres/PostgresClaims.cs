using BatchGen.Core.Pipeline.Fleet;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// Claims as in Oban and Graphile Worker: candidates picked in ledger order <c>FOR UPDATE SKIP LOCKED</c> (so workers
/// claiming at the same moment skip each other's rows instead of waiting), then a lease row per job (owner, expiry)
/// upserted in the same transaction. Claims of one provider are serialised by an advisory lock so the tasks-in-flight
/// cap (live leases of jobs not yet finished at the provider) holds across workers. A lease expires unless the
/// heartbeat renews it; an expired one is taken over where the job stands. A job a worker released is not claimed by
/// that worker again (<c>tried_by</c>), so a job no worker can submit (budget, a missing key) is tried once by each.
/// </summary>
internal sealed class PostgresClaims : IJobClaims
{
    private const string Active = "'pending', 'blocked', 'submitting', 'submitted', 'running', 'generated'";
    private const string InFlight = "'pending', 'blocked', 'submitting', 'submitted', 'running'";

    private readonly NpgsqlDataSource _source;
    private readonly FleetOptions _options;

    private readonly FleetOutage _outage;

    public PostgresClaims(NpgsqlDataSource source, FleetOptions options, FleetOutage outage)
    {
        _source = source;
        _options = options;
        _outage = outage;
    }

    public Task<IReadOnlyList<string>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        _outage.RunAsync(() => ClaimCoreAsync(request, cancellationToken), cancellationToken);

    public async Task<bool> ConfirmAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await ConfirmCoreAsync(jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FleetErrors.IsConnectionFailure(ex))
        {
            // Not confirmed means not sent: the job stays pending, and this worker submits nothing more.
            _outage.Remember();
            return false;
        }
    }

    private async Task<bool> ConfirmCoreAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            "UPDATE batchgen.fleet_leases SET expires_at = clock_timestamp() + @ttl "
            + "WHERE batch_id = @b AND job_id = @j AND worker_id = @me AND NOT released AND expires_at > clock_timestamp();");
        AddCommon(command);
        command.Parameters.AddWithValue("j", jobId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task ReleaseAsync(string jobId, CancellationToken cancellationToken) =>
        _outage.RunAsync(async () =>
        {
            await using var command = _source.CreateCommand(
                "UPDATE batchgen.fleet_leases SET released = true WHERE batch_id = @b AND job_id = @j AND worker_id = @me;");
            AddCommon(command);
            command.Parameters.AddWithValue("j", jobId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<bool> OthersHoldWorkAsync(string provider, CancellationToken cancellationToken) =>
        _outage.RunAsync(async () =>
        {
            await using var command = _source.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM batchgen.fleet_leases l JOIN batchgen.jobs j ON j.batch_id = l.batch_id AND j.id = l.job_id "
                + $"WHERE l.batch_id = @b AND l.provider = @p AND NOT l.released AND l.worker_id <> @me AND l.expires_at > clock_timestamp() AND j.state IN ({Active}));");
            AddCommon(command);
            command.Parameters.AddWithValue("p", provider);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }, cancellationToken);

    /// <summary>Renews every lease this worker holds (the heartbeat); returns how many.</summary>
    public Task<int> RenewAsync(CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            await using var command = _source.CreateCommand(
                "UPDATE batchgen.fleet_leases SET expires_at = clock_timestamp() + @ttl WHERE batch_id = @b AND worker_id = @me AND NOT released; "
                + "UPDATE batchgen.fleet_workers SET heartbeat_at = clock_timestamp() WHERE batch_id = @b AND worker_id = @me;");
            AddCommon(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>At exit: every lease this worker still holds is released, so others take the jobs at once.</summary>
    public Task ReleaseAllAsync(CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            await using var command = _source.CreateCommand(
                "UPDATE batchgen.fleet_leases SET released = true WHERE batch_id = @b AND worker_id = @me AND NOT released; "
                + "UPDATE batchgen.fleet_workers SET stopped_at = clock_timestamp() WHERE batch_id = @b AND worker_id = @me;");
            AddCommon(command);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Registers this worker (its heartbeat row).</summary>
    public Task RegisterAsync(CancellationToken cancellationToken) =>
        FleetErrors.GuardAsync(_options.Display, async () =>
        {
            await using var command = _source.CreateCommand(
                "INSERT INTO batchgen.fleet_workers (batch_id, worker_id, started_at, heartbeat_at) VALUES (@b, @me, clock_timestamp(), clock_timestamp()) "
                + "ON CONFLICT (batch_id, worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL;");
            AddCommon(command);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    private async Task<IReadOnlyList<string>> ClaimCoreAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", $"batchgen.claims:{_options.BatchId}:{request.Provider}");
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var claimed = new List<string>();
        // Jobs the provider already accepted (or that only wait for a download) first: a dead worker's tasks are
        // re-attached by their remote id or downloaded, never submitted again.
        claimed.AddRange(await ClaimStatesAsync(connection, transaction, request.Provider, ["submitted", "running", "generated"], request.MaxJobs, cancellationToken).ConfigureAwait(false));
        var room = request.MaxJobs - claimed.Count;
        if (request.Submits && room > 0)
        {
            var inFlight = await CountInFlightAsync(connection, transaction, request.Provider, cancellationToken).ConfigureAwait(false);
            room = Math.Min(room, request.Concurrency - inFlight);
            if (room > 0)
            {
                string[] states = request.ClaimAmbiguous ? ["pending", "blocked", "submitting"] : ["pending", "blocked"];
                claimed.AddRange(await ClaimStatesAsync(connection, transaction, request.Provider, states, room, cancellationToken).ConfigureAwait(false));
            }
        }

        if (claimed.Count > 0)
        {
            await using var count = new NpgsqlCommand("UPDATE batchgen.fleet_workers SET claims = claims + @n WHERE batch_id = @b AND worker_id = @me;", connection, transaction);
            AddCommon(count);
            count.Parameters.AddWithValue("n", (long)claimed.Count);
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    private async Task<int> CountInFlightAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string provider, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM batchgen.fleet_leases l JOIN batchgen.jobs j ON j.batch_id = l.batch_id AND j.id = l.job_id "
            + $"WHERE l.batch_id = @b AND l.provider = @p AND NOT l.released AND l.expires_at > clock_timestamp() AND j.state IN ({InFlight});",
            connection,
            transaction);
        AddCommon(command);
        command.Parameters.AddWithValue("p", provider);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<List<string>> ClaimStatesAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string provider,
        string[] states,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH candidates AS (
                SELECT j.id FROM batchgen.jobs j
                LEFT JOIN batchgen.fleet_leases l ON l.batch_id = j.batch_id AND l.job_id = j.id
                WHERE j.batch_id = @b AND j.provider = @p AND j.in_manifest = 1 AND j.state = ANY(@states)
                  AND (l.job_id IS NULL
                       OR (NOT l.released AND l.expires_at <= clock_timestamp())
                       OR (l.released AND NOT (@me = ANY(l.tried_by))))
                ORDER BY j.seq
                LIMIT @limit
                FOR UPDATE OF j SKIP LOCKED
            )
            INSERT INTO batchgen.fleet_leases (batch_id, job_id, provider, worker_id, expires_at, released, tried_by, claims)
            SELECT @b, c.id, @p, @me, clock_timestamp() + @ttl, false, ARRAY[@me], 1 FROM candidates c
            ON CONFLICT (batch_id, job_id) DO UPDATE SET
                worker_id = excluded.worker_id,
                expires_at = excluded.expires_at,
                released = false,
                tried_by = CASE WHEN @me = ANY(fleet_leases.tried_by) THEN fleet_leases.tried_by ELSE array_append(fleet_leases.tried_by, @me) END,
                claims = fleet_leases.claims + 1
            RETURNING job_id;
            """,
            connection,
            transaction);
        AddCommon(command);
        command.Parameters.AddWithValue("p", provider);
        command.Parameters.AddWithValue("states", NpgsqlDbType.Array | NpgsqlDbType.Text, states);
        command.Parameters.AddWithValue("limit", limit);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private void AddCommon(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("b", _options.BatchId);
        command.Parameters.AddWithValue("me", _options.WorkerId);
        command.Parameters.AddWithValue("ttl", _options.LeaseTime);
    }
}
