using BatchGen.Core.Costs;

namespace BatchGen.Core.Providers;

/// <summary>
/// How BatchGen talks to one provider. Mutable options with documented defaults (see <see cref="ProviderCatalog"/>),
/// merged from built-in defaults, <c>--providers FILE</c> and the manifest's <c>providers:</c> section, then validated
/// once and treated as read-only by the run engine.
/// </summary>
public sealed class ProviderSettings
{
    /// <summary>One of <see cref="Jobs.ProviderNames.All"/>.</summary>
    public required string Name { get; init; }

    /// <summary>Base URL; the provider's documented paths are appended (e.g. <c>{base}/v2/video/generations</c>).</summary>
    public required Uri BaseUrl { get; set; }

    /// <summary>Name of the environment variable that holds the API key. The key itself is never stored here.</summary>
    public required string ApiKeyEnv { get; set; }

    /// <summary>Tasks in flight at once (submitted and not yet finished) per API key.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>HTTP requests per key, submits and polls together.</summary>
    public RateLimitSpec RateLimit { get; set; } = new(60, TimeSpan.FromMinutes(1));

    public PriceTable Pricing { get; set; } = new();

    /// <summary>Whether a failed job is charged (counted as spent). Default false.</summary>
    public bool ChargeFailedJobs { get; set; }

    /// <summary>Provider-specific model id (AI/ML API model, GMI Cloud model, Pixwith model_id). Null = adapter default.</summary>
    public string? Model { get; set; }

    /// <summary>Segmind only: <c>async</c> (v2 submit + poll, default) or <c>sync</c> (v1, raw video in the response).</summary>
    public string Mode { get; set; } = ProviderModes.Async;

    /// <summary>Nominal generation latency used by <c>plan</c> and for the first poll before any median is known.</summary>
    public TimeSpan NominalLatency { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Minimum interval between two polls of the same task.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Maximum interval between two polls of the same task (the backoff ceiling).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A job not finished this long after its submit is failed as timed out (its remote id is kept).</summary>
    public TimeSpan JobDeadline { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Magnific only: the callback URL sent with every submit. Null = the <c>webhook:</c> section's URL for this
    /// provider when that section is set, else none (poll).
    /// </summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// Name of the environment variable holding the webhook signing secret (null = <c>{NAME}_WEBHOOK_SECRET</c>,
    /// e.g. <c>MAGNIFIC_WEBHOOK_SECRET</c>). The secret itself is never stored here.
    /// </summary>
    public string? WebhookSecretEnv { get; set; }

    /// <summary>The variable the webhook secret is read from.</summary>
    public string WebhookSecretVariable => WebhookSecretEnv ?? Name.ToUpperInvariant() + "_WEBHOOK_SECRET";

    /// <summary>
    /// The provider honours the <c>Idempotency-Key</c> header (a repeated key returns the task it created). Then a
    /// submit whose reply was lost (timeout, reset) is retried, and an ambiguous job is resubmitted on resume, with
    /// the same key. Default false: none of the five providers documents it, so such a job is left ambiguous.
    /// </summary>
    public bool IdempotentSubmits { get; set; }

    /// <summary>Optional per-provider budget cap in USD.</summary>
    public decimal? MaxCost { get; set; }

    /// <summary>
    /// USD value of one credit as the provider reports usage (AI/ML API <c>meta.usage.credits_used</c>). Null = use
    /// <see cref="PriceTable.UsdPerCredit"/> when <see cref="Pricing"/> is in credits; when the table is in USD and this is
    /// unset, reported credits are not converted (no actual cost; the estimate stands).
    /// </summary>
    public decimal? ReportedCreditUsd { get; set; }

    public ProviderSettings Clone() => new()
    {
        Name = Name,
        BaseUrl = BaseUrl,
        ApiKeyEnv = ApiKeyEnv,
        Concurrency = Concurrency,
        RateLimit = RateLimit,
        Pricing = Pricing.Clone(),
        ChargeFailedJobs = ChargeFailedJobs,
        Model = Model,
        Mode = Mode,
        NominalLatency = NominalLatency,
        PollInterval = PollInterval,
        MaxPollInterval = MaxPollInterval,
        RequestTimeout = RequestTimeout,
        JobDeadline = JobDeadline,
        WebhookUrl = WebhookUrl,
        WebhookSecretEnv = WebhookSecretEnv,
        MaxCost = MaxCost,
        IdempotentSubmits = IdempotentSubmits,
        ReportedCreditUsd = ReportedCreditUsd,
    };
}

public static class ProviderModes
{
    public const string Async = "async";
    public const string Sync = "sync";
}
