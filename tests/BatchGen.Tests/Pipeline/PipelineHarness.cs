using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Simulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchGen.Tests.Pipeline;

/// <summary>
/// An in-process simulator on a free loopback port, a real ledger and real files in a temp directory, and the real
/// adapters, for running <see cref="RunEngine"/> end to end inside one test. Timings are short (the simulator's
/// <see cref="SimulatorScenario.Fast"/> latencies, polls every 50 ms, retries after 10-50 ms).
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly HttpClient _apiHttp = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HttpClient _downloadHttp = new() { Timeout = Timeout.InfiniteTimeSpan };

    private PipelineHarness(SimulatorHost sim, TempDirectory dir, SqliteLedger ledger)
    {
        _dir = dir;
        Sim = sim;
        Ledger = ledger;
        foreach (var (name, settings) in ProviderCatalog.CreateDefaults())
        {
            settings.BaseUrl = sim.ProviderBaseUrl(name);
            settings.Concurrency = 4;
            settings.RateLimit = new RateLimitSpec(100, TimeSpan.FromSeconds(1));
            settings.NominalLatency = TimeSpan.FromMilliseconds(100);
            settings.PollInterval = TimeSpan.FromMilliseconds(50);
            settings.MaxPollInterval = TimeSpan.FromMilliseconds(200);
            settings.RequestTimeout = TimeSpan.FromSeconds(5);
            settings.JobDeadline = TimeSpan.FromSeconds(30);
            Providers[name] = settings;
        }
    }

    public SimulatorHost Sim { get; }

    public SqliteLedger Ledger { get; }

    /// <summary>The clock that stamps ledger events: system time plus an offset a test may move (to seed old history).</summary>
    public ShiftedClock LedgerClock { get; private init; } = new();

    public string OutputDirectory => _dir.Path;

    /// <summary>Settings of every provider, pointed at the simulator; tests edit them before <see cref="RunAsync"/>.</summary>
    public Dictionary<string, ProviderSettings> Providers { get; } = new(StringComparer.Ordinal);

    /// <summary>API key given to a provider's adapter (default "sim-key-NAME").</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public RunProgress Progress { get; private set; } = new();

    /// <summary>The engine's clock (the ledger keeps its own, <see cref="LedgerClock"/>).</summary>
    public TimeProvider EngineClock { get; set; } = TimeProvider.System;

    /// <summary>Starts a simulator whose scenario is <see cref="SimulatorScenario.Fast"/> edited by <paramref name="configure"/>.</summary>
    public static async Task<PipelineHarness> StartAsync(Action<SimulatorScenario>? configure = null, int seed = 7, TimeProvider? simulatorClock = null)
    {
        var scenario = SimulatorScenario.Fast();
        configure?.Invoke(scenario);
        var sim = await SimulatorHost.StartAsync(
            new SimulatorOptions { Port = 0, Scenario = scenario, Seed = seed, TimeProvider = simulatorClock ?? TimeProvider.System },
            CancellationToken.None);
        var dir = new TempDirectory();
        var ledgerClock = new ShiftedClock();
        var ledger = await SqliteLedger.OpenAsync(System.IO.Path.Combine(dir.Path, "ledger.db"), ledgerClock, CancellationToken.None);
        return new PipelineHarness(sim, dir, ledger) { LedgerClock = ledgerClock };
    }

    /// <summary><paramref name="count"/> valid jobs (5 s, 540p, 16:9) on one provider, ids <c>NAME-0</c>, <c>NAME-1</c>, ...</summary>
    public static IEnumerable<JobSpec> Jobs(string provider, int count) =>
        Enumerable.Range(0, count).Select(i => new JobSpec
        {
            Id = $"{provider}-{i}",
            Provider = provider,
            Parameters = new JobParameters
            {
                Prompt = $"a cat surfing a wave, take {i}",
                ImageUrl = "https://example.com/cat.png",
                Duration = 5,
                Resolution = "540p",
                AspectRatio = "16:9",
            },
            Axes = [new("take", i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            OutputPath = $"{provider}/take-{i}.mp4",
        });

    /// <summary>Runs the engine once over <paramref name="jobs"/> with every provider's adapter (or the ones named).</summary>
    public async Task<RunSummary> RunAsync(
        IEnumerable<JobSpec> jobs,
        Func<RunOptions, RunOptions>? options = null,
        Func<IProviderAdapter, IProviderAdapter>? wrap = null,
        CancellationToken cancellationToken = default)
    {
        var adapters = Providers.ToDictionary(
            kv => kv.Key,
            kv =>
            {
                var adapter = ProviderAdapterFactory.Create(kv.Value, _apiHttp, Keys.GetValueOrDefault(kv.Key) ?? $"sim-key-{kv.Key}", TimeProvider.System);
                return wrap is null ? adapter : wrap(adapter);
            },
            StringComparer.Ordinal);
        var runOptions = new RunOptions
        {
            OutputDirectory = OutputDirectory,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryAttempts = 8,
            SubmitGracePeriod = TimeSpan.FromMilliseconds(500),
            ReconcileSettleTime = TimeSpan.Zero,
        };
        Progress = new RunProgress();
        var request = new RunRequest
        {
            Jobs = jobs.ToList(),
            Providers = Providers,
            Adapters = adapters,
            Ledger = Ledger,
            Downloader = new VideoDownloader(_downloadHttp, TimeProvider.System),
            Options = options is null ? runOptions : options(runOptions),
            Progress = Progress,
        };
        return await new RunEngine(EngineClock, NullLogger.Instance).RunAsync(request, cancellationToken);
    }

    public async Task<Dictionary<string, LedgerJob>> JobsByIdAsync()
    {
        var jobs = new Dictionary<string, LedgerJob>(StringComparer.Ordinal);
        await foreach (var job in Ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs[job.Id] = job;
        }

        return jobs;
    }

    public async Task<List<LedgerEvent>> EventsAsync(string jobId)
    {
        var events = new List<LedgerEvent>();
        await foreach (var e in Ledger.ReadEventsAsync(jobId, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    public ProviderStats Stats(string provider) => Sim.GetStats().Providers[provider];

    /// <summary>How many times the simulator created a task for the job (a count above 1 is a double submit).</summary>
    public int CreatedTasks(string jobId) => Sim.GetStats().IdempotencyKeys.GetValueOrDefault(jobId);

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        await Sim.DisposeAsync();
        _apiHttp.Dispose();
        _downloadHttp.Dispose();
        _dir.Dispose();
    }
}

/// <summary>System time shifted by <see cref="Offset"/>.</summary>
internal sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>
/// System time whose timers of more than 100 ms fire <see cref="Early"/> before they are due (as a millisecond-granular
/// timer may, by a little); shorter ones fire on time.
/// </summary>
internal sealed class EarlyTimersClock(TimeSpan early) : TimeProvider
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);

    public TimeSpan Early => early;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime > Shortest && dueTime > early ? dueTime - early : dueTime, period);
}
