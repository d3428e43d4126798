using System.Diagnostics;
using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Simulator;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchGen.Benchmarks;

/// <summary>
/// The whole run engine (ledger sync, admit, submit, poll, download, verify, record; a fresh SQLite ledger and output
/// directory per invocation) over 500 jobs spread on the five providers, against a zero-latency provider:
/// <list type="bullet">
/// <item><c>InMemoryProvider</c> (baseline): an adapter that accepts every submit and reports it finished at the first
/// poll, its result a small MP4 served by the in-process simulator (the only HTTP is the download);</item>
/// <item><c>Simulator</c>: the real adapters against the in-process simulator with zero latencies (HTTP submits and
/// polls; the simulator's own CPU is included).</item>
/// </list>
/// Means are per job (OperationsPerInvoke). CPU time per job (all threads of the process, simulator included) is
/// printed as "// cpu per job" lines at the end of each benchmark.
/// Run: dotnet run -c Release --project benchmarks/BatchGen.Benchmarks -- --filter '*PipelineBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class PipelineBenchmarks
{
    public const int Jobs = 500;

    private SimulatorHost _sim = null!;
    private HttpClient _http = null!;
    private Uri _resultUrl = null!;
    private List<JobSpec> _jobs = null!;
    private TimeSpan _cpu;
    private int _invocations;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var scenario = new SimulatorScenario { RequestLogCapacity = 100 };
        foreach (var name in ProviderNames.All)
        {
            scenario.Providers[name] = new ProviderScenario
            {
                Latency = new LatencyScenario { QueueMinSeconds = 0, QueueMaxSeconds = 0, GenerationBaseSeconds = 0, GenerationPerVideoSecond = 0, Jitter = 0 },
                VideoKbps = 100, // about 30 KB per 5 s 540p result: the benchmark measures the engine, not the disk
            };
        }

        _sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Scenario = scenario, Seed = 1 }, CancellationToken.None);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = Timeout.InfiniteTimeSpan };
        _jobs = [.. ProviderNames.All.SelectMany(p => Enumerable.Range(0, Jobs / ProviderNames.All.Count).Select(i => Job(p, i)))];

        // One finished task whose result every in-memory job downloads.
        var settings = Settings()[ProviderNames.GmiCloud];
        var adapter = ProviderAdapterFactory.Create(settings, _http, "bench", TimeProvider.System);
        var submit = await adapter.SubmitAsync(_jobs[0] with { Id = "bench-result" }, CancellationToken.None);
        for (var i = 0; i < 100 && _resultUrl is null; i++)
        {
            var poll = await adapter.PollAsync(submit.RemoteId!, CancellationToken.None);
            if (poll.State == RemoteState.Succeeded)
            {
                _resultUrl = poll.ResultUrls[0];
            }
            else
            {
                await Task.Delay(10);
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// cpu per job: {_cpu.TotalMilliseconds / (_invocations * (double)Jobs):0.000} ms over {_invocations} invocations of {Jobs} jobs");
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Jobs)]
    public Task InMemoryProvider() => RunAsync(name => new InstantAdapter(name, _resultUrl));

    [Benchmark(OperationsPerInvoke = Jobs)]
    public Task Simulator() => RunAsync(name => ProviderAdapterFactory.Create(Settings()[name], _http, "bench", TimeProvider.System));

    private async Task RunAsync(Func<string, IProviderAdapter> adapterFor)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var dir = Path.Combine(Path.GetTempPath(), "batchgen-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var providers = Settings();
            await using var ledger = await SqliteLedger.OpenAsync(Path.Combine(dir, "ledger.db"), TimeProvider.System, CancellationToken.None);
            var summary = await new RunEngine(TimeProvider.System, NullLogger.Instance).RunAsync(new RunRequest
            {
                Jobs = _jobs,
                Providers = providers,
                Adapters = providers.Keys.ToDictionary(n => n, adapterFor, StringComparer.Ordinal),
                Ledger = ledger,
                Downloader = new VideoDownloader(_http, TimeProvider.System),
                Options = new RunOptions { OutputDirectory = dir, DownloadConcurrency = 8, RetryBaseDelay = TimeSpan.FromMilliseconds(10) },
            }, CancellationToken.None);
            if (summary.Count(JobState.Succeeded) != Jobs)
            {
                throw new InvalidOperationException($"only {summary.Count(JobState.Succeeded)} of {Jobs} jobs succeeded");
            }
        }
        finally
        {
            process.Refresh();
            _cpu += process.TotalProcessorTime - cpuBefore;
            _invocations++;
            Directory.Delete(dir, recursive: true);
        }
    }

    private Dictionary<string, ProviderSettings> Settings()
    {
        var providers = ProviderCatalog.CreateDefaults();
        foreach (var (name, settings) in providers)
        {
            settings.BaseUrl = _sim.ProviderBaseUrl(name);
            settings.Concurrency = 32;
            settings.RateLimit = new RateLimitSpec(100_000, TimeSpan.FromSeconds(1));
            settings.NominalLatency = TimeSpan.FromMilliseconds(1);
            settings.PollInterval = TimeSpan.FromMilliseconds(1);
            settings.MaxPollInterval = TimeSpan.FromMilliseconds(5);
        }

        return providers;
    }

    private static JobSpec Job(string provider, int i) => new()
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
        Axes = [],
        OutputPath = $"{provider}/take-{i}.mp4",
    };

    /// <summary>Accepts every submit and reports it finished at the first poll.</summary>
    private sealed class InstantAdapter(string name, Uri resultUrl) : IProviderAdapter
    {
        private int _next;

        public string Name => name;

        public Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken) =>
            Task.FromResult(new SubmitOutcome { RemoteId = $"t-{Interlocked.Increment(ref _next)}", State = RemoteState.Queued, HttpStatus = 200 });

        public Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken) =>
            Task.FromResult(new PollOutcome { State = RemoteState.Succeeded, RawStatus = "completed", ResultUrls = [resultUrl], HttpStatus = 200 });
    }
}
