using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BenchmarkDotNet.Attributes;

namespace BatchGen.Benchmarks.Reports;

/// <summary>Report building for a 10,000-job ledger (5 styles x 5 providers x 400 seeds), and budget admissions.</summary>
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "batchgen-bench-reports");
    private ReportInput _input = null!;
    private BudgetGate _gate = null!;

    [GlobalSetup]
    public void Setup()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var styles = new[] { "anime", "clay", "comic", "cyberpunk", "3d_animation" };
        var jobs = new List<LedgerJob>();
        var n = 0;
        foreach (var style in styles)
        {
            foreach (var provider in ProviderNames.All)
            {
                for (var seed = 0; seed < 400; seed++)
                {
                    n++;
                    var id = n.ToString("x16", CultureInfo.InvariantCulture);
                    var state = n % 10 == 0 ? JobState.Failed : JobState.Succeeded;
                    jobs.Add(new LedgerJob
                    {
                        Spec = new JobSpec
                        {
                            Id = id,
                            Provider = provider,
                            Parameters = new JobParameters
                            {
                                Prompt = "a fox in the snow",
                                ImageUrl = "https://example.com/fox.png",
                                Duration = 5,
                                Resolution = "720p",
                                AspectRatio = "16:9",
                                Style = style,
                                Seed = seed,
                            },
                            Axes = [new("style", style), new("seed", seed.ToString(CultureInfo.InvariantCulture))],
                            OutputPath = $"videos/{id}.mp4",
                        },
                        State = state,
                        Attempts = 1,
                        SubmittedAt = t0.AddSeconds(n),
                        CompletedAt = state == JobState.Succeeded ? t0.AddSeconds(n + 40 + n % 30) : null,
                        FilePath = state == JobState.Succeeded ? $"videos/{id}.mp4" : null,
                        EstimatedCostUsd = 0.60m,
                        ErrorMessage = state == JobState.Failed ? "generation failed" : null,
                    });
                }
            }
        }

        _input = new ReportInput("bench", ["style", "seed"], jobs, t0);
        _gate = new BudgetGate(null, new Dictionary<string, decimal>(), 0m, new Dictionary<string, decimal>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public ReportModel BuildModel_10kJobs() => ReportModel.Build(_input);

    [Benchmark]
    public Task<IReadOnlyList<string>> WriteAllReports_10kJobs() =>
        ReportWriter.WriteAllAsync(_input, _directory, ContactSheetOptions.Default, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = 1000)]
    public void BudgetReserveCommit_1000()
    {
        for (var i = 0; i < 1000; i++)
        {
            _gate.Commit(_gate.TryReserve("segmind", 0.5m)!, 0.5m);
        }
    }
}
