using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>
/// The fleet's own tables, beside the ledger's in the schema <c>batchgen</c> (the ledger's <c>batches</c> and
/// <c>jobs</c> are read, never written): <c>fleet_leases</c> (one row per job a worker claimed: owner, expiry, who
/// tried it), <c>fleet_workers</c> (heartbeats and claim counts), <c>fleet_rates</c> (one token bucket per provider and
/// API key hash, shared by every batch using that key), <c>fleet_budget</c> and <c>fleet_reservations</c> (spent per
/// batch and per provider, and the money held for each job in flight, with the day it is held on against the period
/// caps), <c>fleet_period_spend</c> (what every batch spent per day under the period caps), <c>fleet_period_carried</c>
/// (what each machine's spend file had recorded for a batch before it moved to PostgreSQL, already added to
/// <c>fleet_period_spend</c>). Created idempotently on first use under an
/// advisory lock, so workers starting together take turns.
/// </summary>
internal static class FleetSchema
{
    private const long SchemaLock = 0x42474C31_00000002;

    private const string Sql = """
        CREATE SCHEMA IF NOT EXISTS batchgen;
        CREATE TABLE IF NOT EXISTS batchgen.fleet_leases (
            batch_id   BIGINT NOT NULL,
            job_id     TEXT NOT NULL,
            provider   TEXT NOT NULL,
            worker_id  TEXT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            released   BOOLEAN NOT NULL DEFAULT false,
            tried_by   TEXT[] NOT NULL DEFAULT '{}',
            claims     INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (batch_id, job_id)
        );
        CREATE INDEX IF NOT EXISTS fleet_leases_worker ON batchgen.fleet_leases (batch_id, worker_id) WHERE NOT released;
        CREATE INDEX IF NOT EXISTS fleet_leases_provider ON batchgen.fleet_leases (batch_id, provider) WHERE NOT released;
        CREATE TABLE IF NOT EXISTS batchgen.fleet_workers (
            batch_id     BIGINT NOT NULL,
            worker_id    TEXT NOT NULL,
            started_at   TIMESTAMPTZ NOT NULL,
            heartbeat_at TIMESTAMPTZ NOT NULL,
            stopped_at   TIMESTAMPTZ,
            claims       BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (batch_id, worker_id)
        );
        CREATE TABLE IF NOT EXISTS batchgen.fleet_rates (
            key       TEXT PRIMARY KEY,
            provider  TEXT NOT NULL,
            ceiling   DOUBLE PRECISION NOT NULL CHECK (ceiling > 0),
            rate      DOUBLE PRECISION NOT NULL CHECK (rate > 0),
            tat       TIMESTAMPTZ NOT NULL,
            granted   BIGINT NOT NULL DEFAULT 0,
            throttled BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS batchgen.fleet_budget (
            batch_id BIGINT NOT NULL,
            scope    TEXT NOT NULL,
            spent    NUMERIC NOT NULL DEFAULT 0,
            PRIMARY KEY (batch_id, scope)
        );
        CREATE TABLE IF NOT EXISTS batchgen.fleet_reservations (
            batch_id BIGINT NOT NULL,
            job_id   TEXT NOT NULL,
            provider TEXT NOT NULL,
            amount   NUMERIC NOT NULL CHECK (amount >= 0),
            PRIMARY KEY (batch_id, job_id)
        );
        CREATE TABLE IF NOT EXISTS batchgen.fleet_period_spend (
            batch_id BIGINT NOT NULL,
            day      DATE NOT NULL,
            spent    NUMERIC NOT NULL DEFAULT 0,
            PRIMARY KEY (batch_id, day)
        );
        CREATE INDEX IF NOT EXISTS fleet_period_spend_day ON batchgen.fleet_period_spend (day);
        CREATE TABLE IF NOT EXISTS batchgen.fleet_period_carried (
            batch_id   BIGINT NOT NULL,
            book_id    TEXT NOT NULL,
            day        DATE NOT NULL,
            spent      NUMERIC NOT NULL CHECK (spent >= 0),
            carried_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (batch_id, book_id, day)
        );
        DO $$
        BEGIN
            -- Added by a later version: a database made before gets the column (and its index) once.
            IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = 'batchgen' AND table_name = 'fleet_reservations' AND column_name = 'period_day') THEN
                ALTER TABLE batchgen.fleet_reservations ADD COLUMN period_day DATE;
                CREATE INDEX fleet_reservations_period ON batchgen.fleet_reservations (period_day) WHERE period_day IS NOT NULL;
            END IF;
        END $$;
        """;

    public static async Task EnsureAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock}); " + Sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
