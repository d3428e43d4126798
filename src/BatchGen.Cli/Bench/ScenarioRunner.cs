using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Manifests.Planning;
using BatchGen.Core.Providers;

namespace BatchGen.Cli.Bench;

/// <summary>
/// Runs one scenario end to end: its own simulator child, <c>plan --json</c>, <c>batchgen run</c> as a child whose CPU
/// and peak memory are sampled, the simulator's counters, the ledger, then the same run again on the finished batch.
/// Every child is bounded in time and killed when the scenario ends, whatever happened. Its directory stays until the
/// whole suite has run (see <see cref="BenchRunner"/>).
/// </summary>
internal sealed class ScenarioRunner(BenchOptions options, TimeProvider time, TextWriter progress)
{
    public async Task<ScenarioResult> RunAsync(BenchScenario scenario, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.WorkDirectory, scenario.Name);
        Directory.CreateDirectory(directory);
        var loadAtStart = MachineProbe.LoadAverage();
        var limits = scenario.Providers.ToDictionary(p => p.Name, p => p.Limits(options.TimeScale), StringComparer.Ordinal);
        var bounds = scenario.Providers.ToDictionary(p => p.Name, p => ThroughputBound.Seconds(p.Jobs, limits[p.Name]), StringComparer.Ordinal);
        var bound = bounds.Values.Max();
        // A hang detector, not a target: generous for a busy machine.
        var runTimeout = TimeSpan.FromSeconds(Math.Max(300, (bound * 6) + 120));
        await using var simulator = await SimulatorChild.StartAsync(BenchFiles.WriteSimulatorScenario(directory, scenario, options.TimeScale, options.Keep), options.TimeScale, directory, cancellationToken).ConfigureAwait(false);
        var manifest = BenchFiles.WriteManifest(directory, scenario);
        var providersFile = BenchFiles.WriteProviders(directory, scenario, simulator.BaseAddress, options.TimeScale);
        var output = Path.Combine(directory, "out");
        var plan = await PlanAsync(directory, manifest, providersFile, cancellationToken).ConfigureAwait(false);
        string[] runArgs = ["run", manifest, "--providers", providersFile, "--out", output, "--progress", "none", "--max-jobs", "1000000", .. scenario.WriteReports ? Array.Empty<string>() : ["--no-report"]];
        await progress.WriteLineAsync(Invariant($"  {scenario.Name}: {scenario.Jobs} jobs, bound {bound:0.0} s, plan {plan.Total?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} s; running...")).ConfigureAwait(false);

        var startedUtc = time.GetUtcNow();
        var simulatorCpuBefore = simulator.Cpu;
        var first = await TimedRunAsync(scenario, runArgs, directory, runTimeout, cancellationToken).ConfigureAwait(false);
        var simulatorCpu = simulator.Cpu - simulatorCpuBefore;
        var counts = await simulator.CountsAsync(cancellationToken).ConfigureAwait(false);
        if (options.Keep)
        {
            // Diagnostics: every request the first run sent, with the simulator's time and reply status.
            await simulator.SaveRequestLogAsync(Path.Combine(directory, "requests.json"), cancellationToken).ConfigureAwait(false);
        }

        var ledger = await LedgerFigures.ReadAsync(output, time, cancellationToken).ConfigureAwait(false);
        TimedRun? rerun = null;
        long? rerunRequests = null;
        if (options.Rerun && first.ExitCode == ExitCodes.Success)
        {
            rerun = await TimedRunAsync(scenario, runArgs, directory, runTimeout, cancellationToken).ConfigureAwait(false);
            var after = await simulator.CountsAsync(cancellationToken).ConfigureAwait(false);
            rerunRequests = after.Values.Sum(c => c.Requests) - counts.Values.Sum(c => c.Requests);
        }

        var providers = scenario.Providers.Select(p =>
        {
            var l = limits[p.Name];
            var (requests, throttled) = counts.GetValueOrDefault(p.Name);
            return new ProviderResult
            {
                Name = p.Name,
                Jobs = p.Jobs,
                RequestsPerJobAtLeast = l.RequestsPerJob,
                RatePerSecond = l.RequestsPerSecond,
                Burst = l.Burst,
                Concurrency = l.Concurrency,
                LatencySeconds = l.Latency.TotalSeconds,
                BoundSeconds = bounds[p.Name],
                PlanSeconds = plan.PerProvider.TryGetValue(p.Name, out var planned) ? planned : null,
                ActualSeconds = ledger.LastCompletion.TryGetValue(p.Name, out var done) ? (done - startedUtc).TotalSeconds : null,
                ApiRequests = requests,
                Throttled = throttled,
            };
        }).ToArray();
        return new ScenarioResult
        {
            Name = scenario.Name,
            Purpose = scenario.Description,
            Jobs = scenario.Jobs,
            ExitCode = first.ExitCode,
            Error = first.ExitCode == ExitCodes.Success ? null : $"run exited {first.ExitCode}: {first.Tail}",
            BoundSeconds = bound,
            PlanSeconds = plan.Total,
            WallSeconds = first.Wall.TotalSeconds,
            SucceededJobs = ledger.Succeeded,
            ApiRequests = providers.Sum(p => p.ApiRequests),
            Throttled = providers.Sum(p => p.Throttled),
            ClientCpuSeconds = first.Usage.Cpu.TotalSeconds,
            SimulatorCpuSeconds = simulatorCpu?.TotalSeconds,
            ClientPeakRssBytes = first.Usage.PeakRssBytes,
            LedgerBytes = ledger.Bytes,
            RerunSeconds = rerun?.Wall.TotalSeconds,
            RerunCpuSeconds = rerun?.Usage.Cpu.TotalSeconds,
            RerunApiRequests = rerunRequests,
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = MachineProbe.LoadAverage(),
            Providers = providers,
        };
    }

    private async Task<TimedRun> TimedRunAsync(BenchScenario scenario, string[] args, string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        await using var child = BenchChild.Start(args, KeyEnvironment(scenario), directory, Path.Combine(directory, "run.log"));
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = ProcessUsage.SampleAsync(child.Id, () => child.HasExited, options.SampleInterval, time, stopSampling.Token);
        int exitCode;
        try
        {
            exitCode = await child.WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopSampling.CancelAsync().ConfigureAwait(false);
        }

        var wall = time.GetElapsedTime(start);
        return new TimedRun(exitCode, wall, await sampling.ConfigureAwait(false), child.Tail);
    }

    /// <summary><c>plan --json</c> on the same files: its estimated wall time, overall and per provider (null if it failed).</summary>
    private async Task<PlanFigures> PlanAsync(string directory, string manifest, string providersFile, CancellationToken cancellationToken)
    {
        await using var child = BenchChild.Start(["plan", manifest, "--providers", providersFile, "--json", "--max-jobs", "1000000"], new Dictionary<string, string>(), directory, Path.Combine(directory, "plan.log"), keepStdout: true);
        var exitCode = await child.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        if (exitCode != ExitCodes.Success)
        {
            await progress.WriteLineAsync($"  plan exited {exitCode}: {child.Tail}").ConfigureAwait(false);
            return new PlanFigures(null, new Dictionary<string, double>());
        }

        using var json = JsonDocument.Parse(child.StdOut);
        var root = json.RootElement;
        var perProvider = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("providers", out var providers) && providers.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in providers.EnumerateObject())
            {
                perProvider[p.Name] = p.Value.GetProperty("estimated_wall_time_seconds").GetDouble();
            }
        }

        return new PlanFigures(root.GetProperty("estimated_wall_time_seconds").GetDouble(), perProvider);
    }

    /// <summary>An API key for every provider, and the webhook signing secret when the scenario receives webhooks.</summary>
    private static Dictionary<string, string> KeyEnvironment(BenchScenario scenario)
    {
        var environment = ProviderCatalog.CreateDefaults().Values.ToDictionary(s => s.ApiKeyEnv, s => $"bench-key-{s.Name}", StringComparer.Ordinal);
        if (scenario.Providers.Any(p => p.Webhooks))
        {
            environment["MAGNIFIC_WEBHOOK_SECRET"] = BenchProvider.WebhookSecret;
        }

        return environment;
    }


    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record TimedRun(int ExitCode, TimeSpan Wall, ProcessUsage Usage, string Tail);

    private sealed record PlanFigures(double? Total, Dictionary<string, double> PerProvider);
}
