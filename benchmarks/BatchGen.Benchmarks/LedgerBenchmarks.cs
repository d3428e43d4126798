using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace BatchGen.Benchmarks;

/// <summary>
/// Durable ledger events per second (WAL, synchronous=FULL: every awaited append is fsynced): one caller awaiting
/// each append, against 64 concurrent callers whose appends the single writer groups into shared commits.
/// Events per second = 1e9 / Mean (ns per event).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class LedgerBenchmarks
{
    private const int Events = 2048;
    private const int Callers = 64;

    private string _directory = null!;
    private SqliteLedger _ledger = null!;
    private string[] _ids = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "batchgen-bench", Guid.NewGuid().ToString("N"));
        _ledger = await SqliteLedger.OpenAsync(Path.Combine(_directory, "ledger.db"), TimeProvider.System, default);
        var jobs = Enumerable.Range(0, Callers).Select(Job).ToList();
        await _ledger.SyncJobsAsync(jobs, default);
        _ids = jobs.Select(j => j.Id).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public async Task OneCallerAwaitingEach()
    {
        for (var i = 0; i < Events; i++)
        {
            await AppendAsync(_ids[i % Callers], i);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public Task SixtyFourConcurrentCallers() =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
        {
            for (var i = 0; i < Events / Callers; i++)
            {
                await AppendAsync(_ids[caller], i);
            }
        }));

    private Task AppendAsync(string id, int attempt) =>
        _ledger.AppendAsync(new LedgerEvent { JobId = id, State = JobState.Running, Attempt = attempt, Note = "bench" }, default);

    private static JobSpec Job(int index) => new()
    {
        Id = index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
        Provider = ProviderNames.Magnific,
        Axes = [],
        OutputPath = $"v/{index}.mp4",
        Parameters = new JobParameters { Prompt = "p", ImageUrl = "https://example.com/i.png", Duration = 5, Resolution = "720p", AspectRatio = "16:9" },
    };
}
