using System.Globalization;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BatchGen.Benchmarks;

/// <summary>
/// Expanding and validating a grid manifest of <see cref="Jobs"/> jobs (2 providers x 5 styles x 2 resolutions x 50
/// subjects x N seeds): load (schema, model, count, one validation pass over every job), stream every job with its
/// id, and the whole <c>plan</c> computation. Few iterations: a 1M-job operation takes seconds.
/// Run: <c>dotnet run -c Release --project benchmarks/BatchGen.Benchmarks -- --filter '*ManifestExpansion*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[Config(typeof(JobsPerSecondConfig))]
public class ManifestExpansionBenchmarks
{
    private string _directory = string.Empty;
    private string _path = string.Empty;
    private Manifest _manifest = null!;

    [Params(100_000, 1_000_000)]
    public int Jobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "batchgen-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "grid.yaml");
        File.WriteAllText(_path, GridYaml(Jobs));
        _manifest = Load().Manifest ?? throw new InvalidOperationException("benchmark manifest is invalid");
    }

    /// <summary>The benchmark grid: 2 providers x 5 styles x 2 resolutions x 50 subjects x jobs / 1000 seeds.</summary>
    internal static string GridYaml(int jobs)
    {
        var seeds = jobs / (2 * 5 * 2 * 50);
        var subjects = string.Join(", ", Enumerable.Range(0, 50).Select(i => "subject " + i.ToString(CultureInfo.InvariantCulture)));
        var seedList = string.Join(", ", Enumerable.Range(0, seeds).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return $$"""
            version: 1
            name: bench
            defaults:
              image_url: https://example.com/images/cat.png
              prompt: "a cat, {subject}"
            matrix:
              provider: [magnific, gmicloud]
              style: [none, anime, 3d_animation, clay, comic]
              resolution: [540p, 720p]
              subject: [{{subjects}}]
              seed: [{{seedList}}]
            output:
              filename: "{provider}/{style}/{job_id}.mp4"
            """;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Read, schema-check, count and validate every job (what <c>validate</c> does).</summary>
    [Benchmark(Baseline = true)]
    public long LoadAndValidate() => Load().Manifest!.JobCount;

    /// <summary>Stream every validated job with its id and output path (what the run engine consumes).</summary>
    [Benchmark]
    public long ExpandJobs()
    {
        long count = 0;
        foreach (var job in _manifest.Jobs())
        {
            count += job.Id.Length > 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>Counts, costs, wall-time estimate and per-axis totals over every job (what <c>plan</c> does after loading).</summary>
    [Benchmark]
    public long Plan() => PlanCalculator.Compute(_manifest).Jobs;

    private ManifestLoadResult Load() => ManifestLoader.Load(_path, new ManifestLoadOptions { MaxJobs = 2_000_000 });

    private sealed class JobsPerSecondConfig : ManualConfig
    {
        public JobsPerSecondConfig() => AddColumn(new JobsPerSecondColumn());
    }

    /// <summary>Jobs per second = the Jobs parameter / mean time of one operation.</summary>
    private sealed class JobsPerSecondColumn : IColumn
    {
        public string Id => nameof(JobsPerSecondColumn);

        public string ColumnName => "Jobs/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Jobs expanded per second (Jobs / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            var jobs = benchmarkCase.Parameters["Jobs"] is int n ? n : 0;
            if (report?.ResultStatistics is not { } stats || stats.Mean <= 0)
            {
                return "-";
            }

            return (jobs / (stats.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
