using System.Globalization;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Core.Reports;
using BatchGen.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BatchGen.Cli.Run;

/// <summary>
/// The composition root of <c>run</c> and <c>retry</c>: loads the manifest, opens the ledger, builds the
/// adapters (against the real endpoints, or the embedded simulator), runs the engine, writes the reports and
/// turns the outcome into an exit code.
/// </summary>
internal sealed class RunHandler
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _stderr;
    private readonly TimeProvider _time;

    public RunHandler(IAnsiConsole console, TextWriter stderr, TimeProvider timeProvider)
    {
        _console = console;
        _stderr = stderr;
        _time = timeProvider;
    }

    public async Task<int> RunAsync(RunInvocation invocation, CancellationToken cancellationToken)
    {
        var loaded = ManifestLoader.Load(invocation.ManifestPath, new ManifestLoadOptions
        {
            ProvidersFile = invocation.ProvidersFile,
            MaxJobs = invocation.MaxJobs,
        });
        foreach (var warning in loaded.Warnings)
        {
            await _stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        if (!loaded.Success || loaded.Manifest is null)
        {
            foreach (var error in loaded.Errors)
            {
                await _stderr.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.InvalidInput;
        }

        var manifest = loaded.Manifest;
        var outputDirectory = Path.GetFullPath(invocation.OutputDirectory ?? manifest.OutputDirectory);
        var providers = manifest.Providers.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);

        if (invocation.MaxCostUsd is < 0m)
        {
            await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batchgen: --max-cost must be zero or more, got {invocation.MaxCostUsd}")).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        SimulatorHost? started = null;
        if (invocation.Simulate)
        {
            try
            {
                started = await StartSimulatorAsync(invocation, cancellationToken).ConfigureAwait(false);
            }
            catch (SimulatorConfigException ex)
            {
                await _stderr.WriteLineAsync($"batchgen: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }
        }

        await using var simulator = started;
        var keys = simulator is null ? ReadKeys(providers) : SimulatorKeys(simulator, providers, invocation.TimeScale);

        SqliteLedger ledger;
        try
        {
            ledger = await SqliteLedger.OpenAsync(
                Path.Combine(outputDirectory, "ledger.db"),
                _time,
                new LedgerOpenOptions { AcceptRollback = invocation.AcceptLedgerRollback },
                cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            await _stderr.WriteLineAsync($"batchgen: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.For(ex);
        }

        foreach (var notice in ledger.Notices)
        {
            await _stderr.WriteLineAsync($"batchgen: {notice}").ConfigureAwait(false);
        }

        try
        {
            // Job ids are the resume keys: a ledger written with another id format would see every job as new.
            var idFormat = JobIdentity.FormatVersion.ToString(CultureInfo.InvariantCulture);
            if (await ledger.GetMetaAsync("job_id_format", cancellationToken).ConfigureAwait(false) is { } recorded && recorded != idFormat)
            {
                await _stderr.WriteLineAsync($"batchgen: {ledger.Path}: written with job id format {recorded}, this version uses {idFormat}; resuming would submit every job again. Use a new --out directory, or the batchgen version that wrote it.").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            await ledger.SetMetaAsync("job_id_format", idFormat, cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("manifest", manifest.Path, cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("name", manifest.Name, cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("axes", string.Join(",", manifest.Axes), cancellationToken).ConfigureAwait(false);
            RunSummary summary;
            try
            {
                summary = await ExecuteAsync(invocation, manifest, providers, keys, ledger, outputDirectory, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerException ex)
            {
                await _stderr.WriteLineAsync($"batchgen: {ex.Message}; every state change recorded before it is kept: rerun to resume").ConfigureAwait(false);
                return ExitCodes.For(ex);
            }

            if (invocation.WriteReports && summary.StopReason != RunStopReason.Cancelled)
            {
                try
                {
                    await WriteReportsAsync(ledger, manifest, outputDirectory).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await _stderr.WriteLineAsync($"batchgen: the reports could not be written ({ex.Message.ReplaceLineEndings(" ")}); the ledger is complete: 'batchgen report' rebuilds them").ConfigureAwait(false);
                }
            }

            await PrintSummaryAsync(summary, outputDirectory).ConfigureAwait(false);
            return ExitCodeOf(summary);
        }
        finally
        {
            await CloseAsync(ledger).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the ledger; a failure here (a full disk at the last checkpoint) is one line, not a second error.</summary>
    private async Task CloseAsync(SqliteLedger ledger)
    {
        try
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            await _stderr.WriteLineAsync($"batchgen: closing {ledger.Path}: {ex.Message.ReplaceLineEndings(" ")} (every recorded state change is kept)").ConfigureAwait(false);
        }
    }

    private async Task<RunSummary> ExecuteAsync(
        RunInvocation invocation,
        Manifest manifest,
        Dictionary<string, ProviderSettings> providers,
        Dictionary<string, string?> keys,
        SqliteLedger ledger,
        string outputDirectory,
        CancellationToken cancellationToken)
    {
        using var apiHttp = CreateHttpClient();
        using var downloadHttp = CreateHttpClient();
        var adapters = new Dictionary<string, IProviderAdapter>(StringComparer.Ordinal);
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, settings) in providers)
        {
            if (keys.GetValueOrDefault(name) is { Length: > 0 } key)
            {
                adapters[name] = ProviderAdapterFactory.Create(settings, apiHttp, key, _time);
            }
            else
            {
                unavailable[name] = $"{name}: environment variable {settings.ApiKeyEnv} is not set (no API key)";
            }
        }

        using var loggerFactory = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning));
        var progress = new RunProgress();
        var engine = new RunEngine(_time, loggerFactory.CreateLogger<RunEngine>());
        var request = new RunRequest
        {
            Jobs = manifest.Jobs(),
            Providers = providers,
            Adapters = adapters,
            Unavailable = unavailable,
            Ledger = ledger,
            Downloader = new VideoDownloader(downloadHttp, _time),
            Options = new RunOptions
            {
                OutputDirectory = outputDirectory,
                MaxCostUsd = invocation.MaxCostUsd ?? manifest.MaxCost,
                ResubmitAmbiguous = invocation.ResubmitAmbiguous,
                RetryFailed = invocation.RetryFailed,
                RetryBaseDelay = invocation.Simulate ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            },
            Progress = progress,
        };

        using var renderStop = new CancellationTokenSource();
        var live = invocation.Progress == "live" || (invocation.Progress == "auto" && !Console.IsOutputRedirected && _console.Profile.Capabilities.Interactive);
        var renderer = new ProgressRenderer(progress, _console, _stderr, _time, live);
        var renderTask = invocation.Progress == "none" ? Task.CompletedTask : renderer.RunAsync(renderStop.Token);
        try
        {
            return await engine.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await renderStop.CancelAsync().ConfigureAwait(false);
            await renderTask.ConfigureAwait(false);
        }
    }

    private static async Task<SimulatorHost> StartSimulatorAsync(RunInvocation invocation, CancellationToken cancellationToken) =>
        await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0,
            ScenarioFile = invocation.ScenarioFile,
            Seed = invocation.Seed,
            TimeScale = invocation.TimeScale,
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Points every provider at the simulator and scales its timings to the simulator's time scale.</summary>
    private static Dictionary<string, string?> SimulatorKeys(SimulatorHost simulator, Dictionary<string, ProviderSettings> providers, double timeScale)
    {
        var keys = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, settings) in providers)
        {
            settings.BaseUrl = simulator.ProviderBaseUrl(name);
            settings.NominalLatency = Scale(settings.NominalLatency, timeScale, TimeSpan.FromMilliseconds(50));
            settings.PollInterval = Scale(settings.PollInterval, timeScale, TimeSpan.FromMilliseconds(50));
            settings.MaxPollInterval = Scale(settings.MaxPollInterval, timeScale, TimeSpan.FromMilliseconds(200));
            settings.JobDeadline = Scale(settings.JobDeadline, timeScale, TimeSpan.FromMinutes(2));
            // The same request budget per simulated minute: the simulator's clock runs 1/timeScale times faster.
            settings.RateLimit = new RateLimitSpec(settings.RateLimit.Permits, Scale(settings.RateLimit.Period, timeScale, TimeSpan.FromMilliseconds(10)));
            keys[name] = $"sim-key-{name}";
        }

        return keys;
    }

    private static TimeSpan Scale(TimeSpan value, double scale, TimeSpan floor) =>
        TimeSpan.FromTicks(Math.Max(floor.Ticks, (long)(value.Ticks * scale)));

    private static Dictionary<string, string?> ReadKeys(Dictionary<string, ProviderSettings> providers) =>
        providers.ToDictionary(kv => kv.Key, kv => Environment.GetEnvironmentVariable(kv.Value.ApiKeyEnv), StringComparer.Ordinal);

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 64,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    })
    {
        // Per-attempt timeouts come from the resilience pipelines; downloads may legitimately take long.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static async Task WriteReportsAsync(SqliteLedger ledger, Manifest manifest, string outputDirectory)
    {
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None).ConfigureAwait(false))
        {
            jobs.Add(job);
        }

        var chargeFailed = manifest.Providers.Values.Where(p => p.ChargeFailedJobs).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var input = ReportInput.FromLedger(manifest.Name, jobs, outputDirectory, manifest.Axes, chargeFailed);
        await ReportWriter.WriteAllAsync(input, outputDirectory, ContactSheetOptions.Default, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task PrintSummaryAsync(RunSummary summary, string outputDirectory)
    {
        var c = CultureInfo.InvariantCulture;
        var line = string.Create(c, $"{summary.Total} jobs: {summary.Count(JobState.Succeeded)} succeeded, {summary.Count(JobState.Failed)} failed, {summary.Count(JobState.Blocked)} blocked, {summary.Count(JobState.Pending)} pending, {summary.Ambiguous} ambiguous, {summary.Count(JobState.Submitted) + summary.Count(JobState.Running) + summary.Count(JobState.Generated)} unfinished; {summary.Money.Describe()}");
        _console.WriteLine(line);
        if (summary.Lost > 0)
        {
            _console.WriteLine(string.Create(c, $"{summary.Lost} jobs in the ledger are no longer in the manifest (kept, not run)"));
        }

        foreach (var (provider, reason) in summary.BlockedProviders)
        {
            await _stderr.WriteLineAsync($"blocked: {provider}: {reason}").ConfigureAwait(false);
        }

        if (summary.StopReason == RunStopReason.BudgetReached)
        {
            await _stderr.WriteLineAsync(string.Create(c, $"budget reached: {summary.Money.Describe(summary.MaxCostUsd)}; {summary.BudgetRemainingJobs} jobs not submitted, estimated ${summary.BudgetRemainingCostUsd:0.00} more. Rerun with a higher --max-cost to continue.")).ConfigureAwait(false);
        }

        if (summary.Ambiguous > 0)
        {
            await _stderr.WriteLineAsync(string.Create(c, $"{summary.Ambiguous} jobs have a submit whose outcome is unknown: not resubmitted, to avoid paying twice. Check the provider's dashboard, then rerun with --resubmit-ambiguous if they never arrived.")).ConfigureAwait(false);
        }

        if (summary.StopReason == RunStopReason.Cancelled)
        {
            await _stderr.WriteLineAsync("stopped: the ledger is consistent; run the same command again to resume.").ConfigureAwait(false);
        }

        _console.WriteLine($"videos:  {outputDirectory}");
        _console.WriteLine($"ledger:  {Path.Combine(outputDirectory, "ledger.db")}");
        _console.WriteLine($"summary: {Path.Combine(outputDirectory, "summary.json")} (cost-report.md, results.csv, contact-sheet.html beside it)");
    }

    private static int ExitCodeOf(RunSummary summary) => summary switch
    {
        { StopReason: RunStopReason.Cancelled } => ExitCodes.Cancelled,
        { StopReason: RunStopReason.BudgetReached } => ExitCodes.BudgetReached,
        _ when summary.Count(JobState.Blocked) > 0 => ExitCodes.ProviderAccountError,
        _ when summary.Count(JobState.Succeeded) < summary.Total - summary.Lost => ExitCodes.JobsFailed,
        _ => ExitCodes.Success,
    };
}
