using System.Globalization;
using System.Text;

namespace BatchGen.Cli.Bench;

/// <summary>
/// The three files a scenario runs from: the simulator's scenario (latency fixed, no jitter, no faults, limits), the
/// client's providers file (the same limits, pointed at the simulator) and a CSV manifest (one row per job, 360p 5 s, each with its own prompt).
/// </summary>
internal static class BenchFiles
{
    /// <summary>Resolution of every bench job: the smallest videos, so 20,000 of them stay a few GB on disk.</summary>
    public const string Resolution = "360p";

    public static string WriteSimulatorScenario(string directory, BenchScenario scenario, double timeScale)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("seed: 1");
        yaml.AppendLine(Invariant($"time_scale: {timeScale}"));
        yaml.AppendLine("request_log_capacity: 100");
        yaml.AppendLine("providers:");
        foreach (var p in scenario.Providers)
        {
            yaml.AppendLine(Invariant($"  {p.Name}:"));
            yaml.AppendLine(Invariant($"    latency: {{queue_min_seconds: 0, queue_max_seconds: 0, generation_base_seconds: {p.LatencySimulatedSeconds}, generation_per_video_second: 0, jitter: 0, resolution_factors: {{{Resolution}: 1}}}}"));
            yaml.AppendLine(Invariant($"    rate_limit: {{permits: {p.RatePerSecond}, period_seconds: 1, burst: {p.Burst}, retry_after_header: true}}"));
            yaml.AppendLine(Invariant($"    max_concurrent_tasks: {p.Concurrency}"));
            if (p.Webhooks)
            {
                yaml.AppendLine(Invariant($"    webhook_secret: {BenchProvider.WebhookSecret}"));
            }

            if (scenario.UsesFlatVideos)
            {
                yaml.AppendLine("    video_content: flat");
            }
        }

        return Write(directory, "simulator.yaml", yaml);
    }

    public static string WriteProviders(string directory, BenchScenario scenario, Uri simulator, double timeScale)
    {
        var yaml = new StringBuilder();
        if (scenario.Providers.Any(p => p.Webhooks))
        {
            // The run's receiver on a free loopback port; the simulator calls it there.
            yaml.AppendLine("webhook: {listen: \"127.0.0.1:0\"}");
        }

        yaml.AppendLine("providers:");
        foreach (var p in scenario.Providers)
        {
            var s = p.Settings(timeScale);
            yaml.AppendLine(Invariant($"  {p.Name}:"));
            yaml.AppendLine(Invariant($"    base_url: {new Uri(simulator, p.Name)}"));
            yaml.AppendLine(Invariant($"    concurrency: {s.Concurrency}"));
            yaml.AppendLine(Invariant($"    rate_limit: {s.RateLimit}"));
            yaml.AppendLine(Invariant($"    nominal_latency_seconds: {s.NominalLatency.TotalSeconds}"));
            yaml.AppendLine(Invariant($"    poll_interval_seconds: {s.PollInterval.TotalSeconds}"));
            yaml.AppendLine(Invariant($"    max_poll_interval_seconds: {s.MaxPollInterval.TotalSeconds}"));
            yaml.AppendLine(Invariant($"    job_deadline_seconds: {s.JobDeadline.TotalSeconds}"));
        }

        return Write(directory, "providers.yaml", yaml);
    }

    /// <summary>A CSV manifest: each row a job with its own prompt (so its own id), providers in turn.</summary>
    public static string WriteManifest(string directory, BenchScenario scenario)
    {
        var csv = new StringBuilder("provider,image_url,prompt,resolution,duration\n");
        var left = scenario.Providers.ToDictionary(p => p.Name, p => p.Jobs, StringComparer.Ordinal);
        var row = 0;
        while (left.Values.Any(n => n > 0))
        {
            foreach (var p in scenario.Providers.Where(p => left[p.Name] > 0))
            {
                left[p.Name]--;
                row++;
                csv.AppendLine(Invariant($"{p.Name},https://example.com/bench/{row % 10}.png,bench shot {row}: a lighthouse at dawn,{Resolution},5"));
            }
        }

        return Write(directory, $"{scenario.Name}.csv", csv);
    }

    private static string Write(string directory, string name, StringBuilder text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
