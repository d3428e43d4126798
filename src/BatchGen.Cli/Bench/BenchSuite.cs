using BatchGen.Core.Jobs;

namespace BatchGen.Cli.Bench;

/// <summary>
/// The scenarios of issue 11 (time scale 0.1: a 60 s generation takes 6 s): one provider at N=1000 and 3000, the five
/// providers mixed at N=2000, Magnific by webhook, and 20,000 jobs at zero latency (client CPU, memory, ledger size, re-run). The quick suite
/// keeps the same shapes at sizes that finish in a few minutes.
/// </summary>
internal static class BenchSuite
{
    /// <summary>Simulated durations are multiplied by this (the measurements used 0.1).</summary>
    public const double DefaultTimeScale = 0.1;

    public static IReadOnlyList<BenchScenario> Full() =>
    [
        OneProvider(1000),
        OneProvider(3000),
        FiveProviders(2000),
        Webhooks(1000),
        ZeroLatency(20_000),
    ];

    public static IReadOnlyList<BenchScenario> Quick() =>
    [
        OneProvider(300),
        FiveProviders(500),
        Webhooks(300),
        ZeroLatency(2000),
    ];

    /// <summary>AI/ML API alone: 20 requests/s, 120 tasks in flight, 60 s simulated latency.</summary>
    public static BenchScenario OneProvider(int jobs) => new(
        "aimlapi",
        "one provider at its limit: efficiency vs the bound, requests per job, 429s",
        [new(ProviderNames.AimlApi, jobs, RatePerSecond: 20, Concurrency: 120, LatencySimulatedSeconds: 60)]);

    /// <summary>The five providers together, each with its own limits and latency, a fifth of the jobs each.</summary>
    public static BenchScenario FiveProviders(int jobs)
    {
        var each = Math.Max(1, jobs / 5);
        return new(
            "five-providers",
            "five providers mixed: every provider near its own bound at once",
            [
                new(ProviderNames.Magnific, each, RatePerSecond: 10, Concurrency: 60, LatencySimulatedSeconds: 60),
                new(ProviderNames.GmiCloud, each, RatePerSecond: 10, Concurrency: 60, LatencySimulatedSeconds: 60),
                new(ProviderNames.AimlApi, each, RatePerSecond: 20, Concurrency: 120, LatencySimulatedSeconds: 50),
                new(ProviderNames.Pixwith, each, RatePerSecond: 10, Concurrency: 80, LatencySimulatedSeconds: 150),
                new(ProviderNames.Segmind, each, RatePerSecond: 15, Concurrency: 60, LatencySimulatedSeconds: 65),
            ]);
    }

    /// <summary>Magnific completing by webhook (polls only a safety net): 10 requests/s, 60 in flight, 60 s latency.</summary>
    public static BenchScenario Webhooks(int jobs) => new(
        "magnific-webhooks",
        "completion by webhook: requests per job near 1, efficiency vs the bound with k = 1",
        [new(ProviderNames.Magnific, jobs, RatePerSecond: 10, Concurrency: 60, LatencySimulatedSeconds: 60, Webhooks: true)]);

    /// <summary>Above this many jobs the zero-latency scenario downloads flat videos (a few KB instead of 426 KB each).</summary>
    public const int ZeroLatencyFlatVideosAbove = 20_000;

    /// <summary>
    /// Zero latency and limits far above what one machine sends: the client's own cost per job. Past
    /// <see cref="ZeroLatencyFlatVideosAbove"/> jobs the videos are flat, so 100,000 of them take about 0.5 GB of disk.
    /// </summary>
    public static BenchScenario ZeroLatency(int jobs) => new(
        "zero-latency",
        "client cost: CPU per job, peak RSS, ledger bytes per job, re-run of the finished batch",
        [new(ProviderNames.AimlApi, jobs, RatePerSecond: 1000, Concurrency: 500, LatencySimulatedSeconds: 0)],
        FlatVideosAbove: ZeroLatencyFlatVideosAbove);
}
