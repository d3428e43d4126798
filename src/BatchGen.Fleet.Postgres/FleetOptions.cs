namespace BatchGen.Fleet.Postgres;

/// <summary>How one worker joins a batch's fleet. Defaults in <see cref="FleetConstants"/>.</summary>
public sealed class FleetOptions
{
    /// <summary>The ledger's id of the batch (<c>batchgen.batches.id</c>).</summary>
    public required long BatchId { get; init; }

    /// <summary>This worker's id; default: host, pid and a random suffix.</summary>
    public string WorkerId { get; init; } = FleetConstants.NewWorkerId();

    /// <summary>How long a claim holds without a heartbeat; renewed every third of it.</summary>
    public TimeSpan LeaseTime { get; init; } = FleetConstants.DefaultLeaseTime;

    /// <summary>Per provider: the identity of its API key (a hash, never the key) and its configured rate.</summary>
    public IReadOnlyDictionary<string, ProviderRate> Rates { get; init; } = new Dictionary<string, ProviderRate>(StringComparer.Ordinal);

    /// <summary>How long an unreachable database is waited for (operations tried again each second) before the run stops.</summary>
    public TimeSpan OutageTime { get; init; } = FleetConstants.DefaultOutageTime;

    /// <summary>For messages: where the database is (no password).</summary>
    public string Display { get; init; } = "PostgreSQL";

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>One provider's shared bucket: keyed by provider and key hash, at the configured requests per second.</summary>
public sealed record ProviderRate(string KeyIdentity, double PerSecond);

/// <summary>Defaults of <see cref="FleetOptions"/>.</summary>
public static class FleetConstants
{
    /// <summary>Lease time when not set: a dead worker's jobs are taken over within about this long.</summary>
    public static readonly TimeSpan DefaultLeaseTime = TimeSpan.FromSeconds(30);

    /// <summary>Outage time when not set.</summary>
    public static readonly TimeSpan DefaultOutageTime = TimeSpan.FromSeconds(30);

    /// <summary>The environment variable that overrides the outage time (seconds).</summary>
    public const string OutageSecondsVariable = "BATCHGEN_PG_OUTAGE_SECONDS";

    /// <summary>The environment variable that overrides the lease time (seconds; tests shorten it).</summary>
    public const string LeaseSecondsVariable = "BATCHGEN_LEASE_SECONDS";

    /// <summary>Slowest AIMD rate, as a fraction of the configured one.</summary>
    public const double MinimumRateFraction = 0.05;

    /// <summary>AIMD additive step per request granted, as a fraction of the configured rate.</summary>
    public const double IncreaseFraction = 0.02;

    public static string NewWorkerId() =>
        $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A key's identity in the shared tables: the provider and the first 16 hex digits of its SHA-256.</summary>
    public static string KeyIdentity(string provider, string? apiKey) =>
        apiKey is null
            ? $"{provider}:nokey"
            : $"{provider}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey)))[..16]}";
}
