using System.Text.Json;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Bench;

/// <summary>
/// `batchgen bench` end to end on tiny loads: the real CLI starts its own simulator and run children, and its results
/// have every field with sane values. Not a timing test: the figures are checked for plausibility only.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Bench_TinyFullSuite_EachScenarioOnceWithEveryFieldAndSaneValues()
    {
        var results = Path.Combine(_dir.Path, "results");
        var result = await CliProcess.RunAsync(
            _dir.Path,
            null,
            // Zero latency is left out: at 10 jobs its burst covers every request, so its bound is 0 s. The full suite's
            // two AI/ML API sizes become one scenario with --jobs.
            ["bench", "--only", "aimlapi", "--only", "five-providers", "--only", "magnific-webhooks", "--jobs", "10", "--time-scale", "0.01", "--results", results, "--work", Path.Combine(_dir.Path, "work")],
            TimeSpan.FromMinutes(10));

        result.ExitCode.ShouldBe(0, result.StdErr);
        var json = Directory.GetFiles(results, "bench-full-*.json").ShouldHaveSingleItem();
        Directory.GetFiles(results, "bench-full-*.md").ShouldHaveSingleItem();
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        var machine = root.GetProperty("machine");
        machine.GetProperty("cores").GetInt32().ShouldBeGreaterThan(0);
        machine.GetProperty("ram_bytes").GetInt64().ShouldBeGreaterThan(0);
        machine.GetProperty("load_average_at_start").GetString().ShouldNotBeNullOrWhiteSpace();
        machine.GetProperty("load_average_at_end").GetString().ShouldNotBeNullOrWhiteSpace();
        machine.GetProperty("commit").GetString().ShouldNotBeNullOrWhiteSpace();
        machine.GetProperty("date_utc").GetString().ShouldNotBeNullOrWhiteSpace();

        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToList();
        scenarios.Select(s => s.GetProperty("name").GetString()).ShouldBe(["aimlapi-10", "five-providers-10", "magnific-webhooks-10"]);
        foreach (var s in scenarios)
        {
            var name = s.GetProperty("name").GetString();
            s.GetProperty("exit_code").GetInt32().ShouldBe(0, name);
            s.GetProperty("succeeded_jobs").GetInt64().ShouldBe(10, name);
            s.GetProperty("bound_seconds").GetDouble().ShouldBeGreaterThan(0, name);
            s.GetProperty("plan_seconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0, name);
            s.GetProperty("wall_seconds").GetDouble().ShouldBeGreaterThan(0, name);
            var efficiency = s.GetProperty("efficiency").GetDouble();
            efficiency.ShouldBeGreaterThan(0, name);
            efficiency.ShouldBeLessThanOrEqualTo(1.2, name);
            s.GetProperty("requests_per_job").GetDouble().ShouldBeGreaterThanOrEqualTo(1, name);
            s.GetProperty("throttled").GetInt64().ShouldBeGreaterThanOrEqualTo(0, name);
            s.GetProperty("client_cpu_seconds").GetDouble().ShouldBeGreaterThan(0, name);
            // The simulator answered every request of the run: it used some CPU of its own.
            s.GetProperty("simulator_cpu_seconds").GetDouble().ShouldBeGreaterThan(0, name);
            s.GetProperty("client_peak_rss_bytes").GetInt64().ShouldBeGreaterThan(1024 * 1024, name);
            s.GetProperty("ledger_bytes_per_job").GetDouble().ShouldBeGreaterThan(0, name);
            s.GetProperty("rerun_seconds").GetDouble().ShouldBeGreaterThan(0, name);
            // The finished batch run again sends nothing: every job is known done.
            s.GetProperty("rerun_api_requests").GetInt64().ShouldBe(0, name);
            foreach (var p in s.GetProperty("providers").EnumerateArray())
            {
                var provider = $"{name}/{p.GetProperty("name").GetString()}";
                p.GetProperty("requests_per_job").GetDouble().ShouldBeGreaterThanOrEqualTo(p.GetProperty("requests_per_job_at_least").GetInt32(), provider);
                p.GetProperty("bound_seconds").GetDouble().ShouldBeLessThanOrEqualTo(s.GetProperty("bound_seconds").GetDouble(), provider);
                p.GetProperty("actual_seconds").GetDouble().ShouldBeGreaterThan(0, provider);
            }
        }

        scenarios[1].GetProperty("providers").GetArrayLength().ShouldBe(5);
        // By webhook a job needs only its submit: the bound counts one request per job.
        scenarios[2].GetProperty("providers")[0].GetProperty("requests_per_job_at_least").GetInt32().ShouldBe(1);
        result.StdOut.ShouldContain("| scenario | jobs |");
        result.StdOut.ShouldContain("| simulator CPU/job |");
        result.StdOut.ShouldContain("five-providers-10");
        Directory.Exists(Path.Combine(_dir.Path, "work")).ShouldBeFalse("the scratch directory is deleted at the end");
    }

    [Fact]
    public async Task Bench_OnlyMatchingNothing_ExitsTwoNamingTheScenarios()
    {
        var result = await CliProcess.RunAsync(_dir.Path, "bench", "--only", "nosuch", "--results", Path.Combine(_dir.Path, "results"));

        result.ExitCode.ShouldBe(2);
        result.StdErr.ShouldContain("--only nosuch matches none of aimlapi-1000, aimlapi-3000, five-providers-2000, magnific-webhooks-1000, zero-latency-20000");
        Directory.Exists(Path.Combine(_dir.Path, "results")).ShouldBeFalse();
    }
}
