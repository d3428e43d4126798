using System.Diagnostics;
using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;

namespace BatchGen.Benchmarks;

/// <summary>
/// A Stopwatch/CPU breakdown of a run's start-up on a CSV manifest of N rows like the zero-latency bench's (not a
/// BenchmarkDotNet benchmark): manifest load, one expansion of its jobs, the spec JSON and key of every job, the ledger
/// sync into a new file, and the key check a re-run makes. Run: <c>dotnet run -c Release --project
/// benchmarks/BatchGen.Benchmarks -- --profile-startup [jobs]</c>.
/// </summary>
internal static class StartupProfile
{
    public static async Task RunAsync(int jobs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "batchgen-profile", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "m.csv");
            await using (var writer = new StreamWriter(path))
            {
                await writer.WriteLineAsync("provider,image_url,prompt,resolution,duration");
                for (var i = 1; i <= jobs; i++)
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"aimlapi,https://example.com/bench/{i}.png,bench shot {i}: a lighthouse at dawn,360p,5"));
                }
            }

            var options = new ManifestLoadOptions { MaxJobs = 2_000_000 };
            for (var round = 0; round < 3; round++)
            {
                Manifest manifest = null!;
                Time("load+validate", jobs, () => (manifest = ManifestLoader.Load(path, options).Manifest ?? throw new InvalidOperationException("invalid")).JobCount);
                Time("jobs()", jobs, () => manifest.Jobs().LongCount());
                Time("LedgerJobSync.Key", jobs, () => LedgerJobSync.Key(manifest.Jobs()).Length);
                Time("LedgerSpecWriter.Write", jobs, () => { using var w = new LedgerSpecWriter(); return manifest.Jobs().Sum(j => { w.Write(j, _ => 1); return (long)w.Stored.Length; }); });
                var file = Path.Combine(directory, $"ledger{round}.db");
                await using (var ledger = await SqliteLedger.OpenAsync(file, TimeProvider.System, default))
                {
                    await TimeAsync("SyncJobsAsync (new ledger)", jobs, async () => (await ledger.SyncJobsAsync(manifest.Jobs(), default)).Added);
                    await TimeAsync("SyncedAlreadyAsync (re-run)", jobs, async () => (await ledger.SyncedAlreadyAsync(manifest.Jobs(), default))?.Existing ?? -1);
                    await TimeAsync("SyncJobsAsync (existing)", jobs, async () => (await ledger.SyncJobsAsync(manifest.Jobs(), default)).Existing);
                }

                Console.WriteLine();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Time(string label, int jobs, Func<long> action) =>
        TimeAsync(label, jobs, () => Task.FromResult(action())).GetAwaiter().GetResult();

    private static async Task TimeAsync(string label, int jobs, Func<Task<long>> action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var pause = GC.GetTotalPauseDuration();
        var collections = GC.CollectionCount(0);
        var watch = Stopwatch.StartNew();
        var result = await action();
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        pause = GC.GetTotalPauseDuration() - pause;
        collections = GC.CollectionCount(0) - collections;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-30} {watch.Elapsed.TotalMilliseconds,8:F0} ms wall {cpu.TotalMilliseconds,8:F0} ms CPU {allocated / (double)jobs,8:F0} B/job {collections,4} GCs {pause.TotalMilliseconds,6:F0} ms paused ({result})"));
    }
}
