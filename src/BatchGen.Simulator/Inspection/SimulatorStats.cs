namespace BatchGen.Simulator;

/// <summary>
/// Counters since start or the last reset, as served by <c>GET /_sim/stats</c> (snake_case JSON).
/// <see cref="IdempotencyKeys"/> maps each <c>Idempotency-Key</c> header value to the number of submits that carried it
/// and created a task; <see cref="SubmitsWithoutKey"/> counts the submits that created a task without one.
/// </summary>
public sealed class SimulatorStats
{
    public required Dictionary<string, ProviderStats> Providers { get; init; }

    public required Dictionary<string, int> IdempotencyKeys { get; init; }

    public required int SubmitsWithoutKey { get; init; }

    /// <summary>Pixwith <c>pre_url</c> uploads stored, per image name.</summary>
    public Dictionary<string, int> ImageUploads { get; init; } = [];
}

/// <summary>One provider's counters. <see cref="Submits"/> counts submits that created a task (that would be billed).</summary>
public sealed class ProviderStats
{
    public long Submits { get; init; }

    /// <summary>Every submit request that reached the provider, accepted or not.</summary>
    public long SubmitAttempts { get; init; }

    public long Polls { get; init; }

    /// <summary>GET requests on result URLs (HEAD not counted).</summary>
    public long Downloads { get; init; }

    public long DownloadedBytes { get; init; }

    public long RateLimited { get; init; }

    public long ConcurrencyLimited { get; init; }

    public long AuthFailures { get; init; }

    public long ValidationErrors { get; init; }

    public long InsufficientCredits { get; init; }

    public long NotFound { get; init; }

    public long ServerErrors { get; init; }

    public long ConnectionResets { get; init; }

    public long SlowResponses { get; init; }

    public long MalformedJson { get; init; }

    public long FailedTasks { get; init; }

    public long ModeratedTasks { get; init; }

    public long NeverFinishingTasks { get; init; }

    public long TruncatedDownloads { get; init; }

    /// <summary>Downloads that served a damaged MP4 (no samples, cut inside mdat, broken chunk offset).</summary>
    public long DamagedVideos { get; init; }

    public long ExpiredUrls { get; init; }

    public long ExpiredResults { get; init; }

    public long WebhooksSent { get; init; }

    public long WebhooksFailed { get; init; }
}
