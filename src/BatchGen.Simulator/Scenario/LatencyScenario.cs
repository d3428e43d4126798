namespace BatchGen.Simulator;

/// <summary>
/// Queue and generation time of a task, in nominal seconds. Queue time is uniform in [min, max]. Generation time is
/// <c>(base + per_video_second x duration) x resolution_factor x (1 +/- jitter)</c>, uniform within the jitter.
/// Defaults give about 60 s for 720p 5 s, as the providers' pages report.
/// </summary>
public sealed class LatencyScenario
{
    public double QueueMinSeconds { get; set; } = 2;

    public double QueueMaxSeconds { get; set; } = 10;

    public double GenerationBaseSeconds { get; set; } = 15;

    public double GenerationPerVideoSecond { get; set; } = 8;

    /// <summary>Fraction: 0.2 means +/- 20 %.</summary>
    public double Jitter { get; set; } = 0.2;

    public Dictionary<string, double> ResolutionFactors { get; set; } = new(StringComparer.Ordinal)
    {
        ["360p"] = 0.7,
        ["540p"] = 0.85,
        ["720p"] = 1.0,
        ["1080p"] = 1.5,
    };

    /// <summary>Tens of milliseconds of queue, a few hundred of generation: for tests.</summary>
    public static LatencyScenario Fast() => new()
    {
        QueueMinSeconds = 0.02,
        QueueMaxSeconds = 0.05,
        GenerationBaseSeconds = 0.05,
        GenerationPerVideoSecond = 0.02,
        Jitter = 0.2,
    };
}

/// <summary>A token bucket per API key: <see cref="Permits"/> per <see cref="PeriodSeconds"/>, holding up to <see cref="Burst"/>.</summary>
public sealed class RateLimitScenario
{
    public int Permits { get; set; } = 50;

    public double PeriodSeconds { get; set; } = 60;

    /// <summary>Bucket size; null = <see cref="Permits"/>.</summary>
    public int? Burst { get; set; }

    /// <summary>Send the provider's hint with a 429: <c>Retry-After</c> (Segmind: <c>x-rate-limit-reset-at-utc</c>). Default true.</summary>
    public bool RetryAfterHeader { get; set; } = true;
}

/// <summary>Credit balance per API key and the price of one job, in the provider's own unit.</summary>
public sealed class CreditScenario
{
    /// <summary>Starting balance of each key; null (default) = unlimited.</summary>
    public decimal? Balance { get; set; }

    /// <summary>Price of one job; null (default) = the provider's built-in price table for the job's resolution and duration.</summary>
    public decimal? PricePerJob { get; set; }
}
