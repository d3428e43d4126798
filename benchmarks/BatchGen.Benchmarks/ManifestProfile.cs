using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;

namespace BatchGen.Benchmarks;

/// <summary>
/// A quick Stopwatch breakdown of the manifest expansion path (not a BenchmarkDotNet benchmark): where the time of
/// expanding a 1M-job grid goes. Run: <c>dotnet run -c Release --project benchmarks/BatchGen.Benchmarks -- --profile-manifest [jobs]</c>.
/// </summary>
internal static class ManifestProfile
{
    public static void Run(int jobs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "batchgen-profile", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "grid.yaml");
            File.WriteAllText(path, ManifestExpansionBenchmarks.GridYaml(jobs));
            var options = new ManifestLoadOptions { MaxJobs = 2_000_000 };
            var manifest = ManifestLoader.Load(path, options).Manifest ?? throw new InvalidOperationException("invalid");
            for (var round = 0; round < 3; round++)
            {
                Time("load+validate", jobs, () => ManifestLoader.Load(path, options).Manifest!.JobCount);
                Time("jobs() with ids", jobs, () => manifest.Jobs().LongCount());
                Time("plan", jobs, () => PlanCalculator.Compute(manifest).Jobs);
                var p = manifest.Jobs().First();
                var identity = new JobIdentity();
                Time("JobIdentity.Id x N", jobs, () =>
                {
                    long n = 0;
                    for (var i = 0; i < jobs; i++)
                    {
                        n += identity.Id(p.Provider, p.Parameters, i).Length;
                    }

                    return n;
                });
                var bytes = System.Text.Encoding.UTF8.GetBytes(identity.CanonicalText(p.Provider, p.Parameters, 0));
                Time($"SHA256 x N ({bytes.Length} B)", jobs, () =>
                {
                    Span<byte> hash = stackalloc byte[32];
                    long n = 0;
                    for (var i = 0; i < jobs; i++)
                    {
                        SHA256.HashData(bytes, hash);
                        n += hash[0];
                    }

                    return n;
                });
                Console.WriteLine();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Time(string label, int jobs, Func<long> action)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-28} {watch.Elapsed.TotalMilliseconds,9:F1} ms {jobs / watch.Elapsed.TotalSeconds,12:N0} /s {allocated / (double)jobs,8:F1} B/job {cpu.TotalMilliseconds,9:F1} ms CPU (all threads, less sensitive to other load)"));
    }
}
