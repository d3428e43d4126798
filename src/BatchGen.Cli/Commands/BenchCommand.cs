using System.CommandLine;
using System.Globalization;
using BatchGen.Cli.Bench;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen bench [--quick] [--only NAME] [--jobs N] [--time-scale X] [--results DIR] [--work DIR] [--keep] [--no-rerun] [--no-report] [--flat-videos]</c>:
/// the load harness. Each scenario starts its own <c>batchgen sim</c> child with set latency and limits, runs
/// <c>batchgen plan</c> and <c>batchgen run</c> as children against it, and prints the bound, the actual time and what
/// the client used. Exit 0 when every run succeeded, 1 when one did not, 2 on bad options.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "The quick suite (a few minutes): 300 jobs on one provider, 500 on five, 300 by webhook, 2,000 at zero latency." };
        var only = new Option<string[]>("--only") { HelpName = "NAME", Description = "Run only the scenarios whose name starts with NAME (aimlapi, five-providers, magnific-webhooks, zero-latency); repeatable." };
        var jobs = new Option<int?>("--jobs") { HelpName = "N", Description = "Jobs per scenario instead of the suite's (shared out among its providers as before)." };
        var timeScale = new Option<double>("--time-scale") { HelpName = "X", Description = "Simulated latencies are multiplied by X.", DefaultValueFactory = _ => BenchSuite.DefaultTimeScale };
        var results = new Option<string>("--results") { HelpName = "DIR", Description = "Where the Markdown and JSON results are written.", DefaultValueFactory = _ => Path.Combine("benchmarks", "results") };
        var work = new Option<string?>("--work") { HelpName = "DIR", Description = "Scratch directory for manifests, ledgers and videos (default: a new one under the temp directory)." };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch directory (ledgers, videos, child logs) instead of deleting it." };
        var noRerun = new Option<bool>("--no-rerun") { Description = "Do not time a second run of each finished batch." };
        var noReport = new Option<bool>("--no-report") { Description = "Run every scenario with 'run --no-report' (no reports at the end)." };
        var flatVideos = new Option<bool>("--flat-videos") { Description = "The simulator serves flat videos (a few KB each) in every scenario; zero-latency uses them above 20,000 jobs anyway." };
        var command = new Command("bench", "Load harness: run scenarios against a time-scaled simulator and compare with the bound set by the providers' limits.")
        {
            quick, only, jobs, timeScale, results, work, keep, noRerun, noReport, flatVideos,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var output = parseResult.InvocationConfiguration.Output;
            var suite = parseResult.GetValue(quick) ? BenchSuite.Quick() : BenchSuite.Full();
            var names = parseResult.GetValue(only) ?? [];
            var chosen = suite.Where(s => names.Length == 0 || names.Any(n => s.Name.StartsWith(n, StringComparison.OrdinalIgnoreCase))).ToList();
            if (chosen.Count == 0)
            {
                await error.WriteLineAsync($"batchgen bench: --only {string.Join(", ", names)} matches none of {string.Join(", ", suite.Select(s => s.Name))}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            if (parseResult.GetValue(jobs) is { } n)
            {
                if (n < 1)
                {
                    await error.WriteLineAsync($"batchgen bench: --jobs must be at least 1, got {n}").ConfigureAwait(false);
                    return ExitCodes.InvalidInput;
                }

                // The full suite runs one provider at two sizes: with one size given they are the same scenario, run once.
                chosen = chosen.Select(s => s.WithJobs(n)).DistinctBy(s => s.Name).ToList();
            }

            if (parseResult.GetValue(noReport) || parseResult.GetValue(flatVideos))
            {
                var writeReports = !parseResult.GetValue(noReport);
                chosen = chosen.Select(s => s with { WriteReports = s.WriteReports && writeReports, FlatVideos = s.FlatVideos || parseResult.GetValue(flatVideos) }).ToList();
            }

            var scale = parseResult.GetValue(timeScale);
            if (scale is <= 0 or > 1)
            {
                await error.WriteLineAsync($"batchgen bench: --time-scale must be in (0, 1], got {scale.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var options = new BenchOptions
            {
                Suite = parseResult.GetValue(quick) ? "quick" : "full",
                Scenarios = chosen,
                TimeScale = scale,
                ResultsDirectory = parseResult.GetValue(results),
                WorkDirectory = Path.GetFullPath(parseResult.GetValue(work) ?? Path.Combine(Path.GetTempPath(), $"batchgen-bench-{Environment.ProcessId}")),
                Keep = parseResult.GetValue(keep),
                Rerun = !parseResult.GetValue(noRerun),
            };
            return await RunAsync(options, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await error.WriteLineAsync($"batchgen bench: {options.Scenarios.Count} scenario(s), time scale {options.TimeScale.ToString(CultureInfo.InvariantCulture)}, scratch {options.WorkDirectory}").ConfigureAwait(false);
        var report = await new BenchRunner(options, TimeProvider.System, error).RunAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(BenchReportWriter.ToMarkdown(report)).ConfigureAwait(false);
        if (options.ResultsDirectory is { Length: > 0 } directory)
        {
            var (markdown, json) = await BenchReportWriter.WriteAsync(report, directory, TimeProvider.System.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync($"batchgen bench: results in {markdown} and {json}").ConfigureAwait(false);
        }

        return report.Scenarios.All(s => s.ExitCode == ExitCodes.Success) ? ExitCodes.Success : ExitCodes.JobsFailed;
    }
}
