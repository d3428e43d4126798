using BatchGen.Core.Manifests.Planning;
using BatchGen.Core.Providers;

namespace BatchGen.Cli.Bench;

/// <summary>
/// One provider's share of a bench scenario. The limits are set equal on both sides (the simulator's and the client's
/// providers file). <see cref="RatePerSecond"/> is in real seconds (the simulator's rate-limit windows are real time);
/// <see cref="LatencySimulatedSeconds"/> is simulated and multiplied by the time scale.
/// </summary>
/// <param name="Webhooks">Completion comes by webhook (Magnific): the run receives callbacks, polls are a safety net.</param>
internal sealed record BenchProvider(string Name, int Jobs, int RatePerSecond, int Concurrency, double LatencySimulatedSeconds, bool Webhooks = false)
{
    /// <summary>The signing secret the simulator and the client share in a webhook scenario.</summary>
    public const string WebhookSecret = "bench-webhook-secret";

    /// <summary>The token bucket's capacity, equal on both sides: one second's worth of requests.</summary>
    public int Burst => RatePerSecond;

    /// <summary>Real seconds from submit to finished.</summary>
    public TimeSpan Latency(double timeScale) => TimeSpan.FromSeconds(LatencySimulatedSeconds * timeScale);

    /// <summary>The client's settings for this provider, as the bench's providers file writes them (base URL apart).</summary>
    public ProviderSettings Settings(double timeScale)
    {
        var settings = ProviderCatalog.CreateDefaults()[Name];
        settings.Concurrency = Concurrency;
        settings.RateLimit = new RateLimitSpec(RatePerSecond, TimeSpan.FromSeconds(1));
        settings.NominalLatency = TimeSpan.FromSeconds(Math.Max(0.001, LatencySimulatedSeconds * timeScale));
        settings.PollInterval = Scaled(settings.PollInterval, timeScale, 0.05);
        settings.MaxPollInterval = Scaled(settings.MaxPollInterval, timeScale, 0.2);
        settings.JobDeadline = Scaled(settings.JobDeadline, timeScale, 120);
        return settings;
    }

    /// <summary>The inputs of the bound: the client's limits, with the simulator's real latency (zero stays zero).</summary>
    /// <remarks>With webhooks a job needs only its submit: the completion arrives without a request.</remarks>
    public ProviderLimits Limits(double timeScale)
    {
        var limits = ThroughputBound.LimitsOf(Settings(timeScale)) with { Latency = Latency(timeScale) };
        return Webhooks ? limits with { RequestsPerJob = 1 } : limits;
    }

    private static TimeSpan Scaled(TimeSpan value, double scale, double floorSeconds) =>
        TimeSpan.FromSeconds(Math.Max(floorSeconds, value.TotalSeconds * scale));
}

/// <summary>A named load: one or more providers run together by one <c>batchgen run</c>.</summary>
/// <param name="Family">Stable name of the shape, selectable with <c>--only</c>; the scenario's name adds its job count.</param>
/// <param name="Purpose">What the scenario measures, for the report.</param>
/// <param name="WriteReports">False adds <c>--no-report</c> to the run.</param>
/// <param name="FlatVideos">The simulator serves flat videos (<c>video_content: flat</c>, a few KB each) instead of labelled ones (426 KB at 360p 5 s).</param>
/// <param name="FlatVideosAbove">Flat videos also when the scenario has more jobs than this (100,000 labelled videos need 43 GB).</param>
internal sealed record BenchScenario(string Family, string Purpose, IReadOnlyList<BenchProvider> Providers, bool WriteReports = true, bool FlatVideos = false, int? FlatVideosAbove = null)
{
    public int Jobs => Providers.Sum(p => p.Jobs);

    public bool UsesFlatVideos => FlatVideos || (FlatVideosAbove is { } above && Jobs > above);

    /// <summary>The purpose, and how this run differs from the scenario's usual one.</summary>
    public string Description => Purpose + (UsesFlatVideos ? "; flat videos (a few KB each)" : string.Empty) + (WriteReports ? string.Empty : "; --no-report");

    public string Name => $"{Family}-{Jobs}";

    /// <summary>The same scenario with <paramref name="jobs"/> jobs in all, shared out in the same proportions.</summary>
    public BenchScenario WithJobs(int jobs)
    {
        var total = Jobs;
        var scaled = Providers.Select(p => p with { Jobs = Math.Max(1, (int)Math.Round((double)p.Jobs * jobs / total)) }).ToArray();
        return this with { Providers = scaled };
    }
}
