using System.CommandLine;
using BatchGen.Cli.Run;
using BatchGen.Core.Pipeline;
using BatchGen.Cli.Rendering;

namespace BatchGen.Cli.Commands;

/// <summary><c>batchgen run</c>: executes (or resumes) every job of a manifest.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run every job of a manifest (resumes from the ledger: never pays twice).");
        var options = RunOptionSet.AddTo(command);
        var resubmit = new Option<bool>("--resubmit-ambiguous")
        {
            Description = "Resubmit jobs whose earlier submit may or may not have reached the provider (may pay twice).",
        };
        command.Add(resubmit);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var invocation = options.Read(parseResult) with { ResubmitAmbiguous = parseResult.GetValue(resubmit) };
            return new RunHandler(ConsoleFactory.CreateStdout(), Console.Error, TimeProvider.System).RunAsync(invocation, cancellationToken);
        });
        return command;
    }
}

/// <summary><c>batchgen retry</c>: a run that first puts failed jobs back in line.</summary>
internal static class RetryCommand
{
    public static Command Create()
    {
        var command = new Command("retry", "Retry failed jobs of a manifest, at the latest step that does not pay again (download, poll, then submit).");
        var options = RunOptionSet.AddTo(command);
        var failed = new Option<bool>("--failed") { Description = "Retry jobs that failed for a retryable reason (the default)." };
        var allFailed = new Option<bool>("--all-failed") { Description = "Also retry permanent failures (validation, moderation, generation failed): these are paid again." };
        command.Add(failed);
        command.Add(allFailed);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var mode = parseResult.GetValue(allFailed) ? RetryFailedMode.All : RetryFailedMode.Retryable;
            var invocation = options.Read(parseResult) with { RetryFailed = mode };
            return new RunHandler(ConsoleFactory.CreateStdout(), Console.Error, TimeProvider.System).RunAsync(invocation, cancellationToken);
        });
        return command;
    }
}

/// <summary>The options <c>run</c> and <c>retry</c> share.</summary>
internal sealed class RunOptionSet
{
    private readonly Argument<string> _manifest = new("manifest") { Description = "The manifest (YAML or CSV)." };
    private readonly Option<bool> _simulate = new("--simulate") { Description = "Run against the embedded provider simulator (no keys, no cost)." };
    private readonly Option<string?> _out = new("--out") { HelpName = "DIR", Description = "Output directory (default: the manifest's output.dir, else out/<name>)." };
    private readonly Option<string?> _providers = new("--providers") { HelpName = "FILE", Description = "Providers configuration file (YAML) over the built-in defaults." };
    private readonly Option<decimal?> _maxCost = new("--max-cost") { HelpName = "USD", Description = "Budget cap in USD for the whole batch (overrides budget.max_cost)." };
    private readonly Option<long> _maxJobs = new("--max-jobs") { HelpName = "N", Description = "Refuse manifests with more jobs than this.", DefaultValueFactory = _ => 100_000 };
    private readonly Option<string?> _scenario = new("--scenario") { HelpName = "FILE", Description = "With --simulate: simulator scenario file (latencies, faults, limits)." };
    private readonly Option<double> _timeScale = new("--time-scale") { HelpName = "X", Description = "With --simulate: simulated time scale (0.01 = 100x faster).", DefaultValueFactory = _ => 0.01 };
    private readonly Option<int> _seed = new("--seed") { HelpName = "N", Description = "With --simulate: simulator seed.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _acceptRollback = new("--accept-ledger-rollback") { Description = "Continue a ledger that lost events with its write-ahead log (it ends before ledger.db.mark); check the providers' dashboards first: jobs submitted after its last event would be paid again." };
    private readonly Option<bool> _noReport = new("--no-report") { Description = "Do not write the reports at the end." };
    private readonly Option<string> _progress = new("--progress") { Description = "auto (a live table on a terminal, progress lines on stderr otherwise), live, plain or none.", DefaultValueFactory = _ => "auto" };

    public static RunOptionSet AddTo(Command command)
    {
        var set = new RunOptionSet();
        set._progress.AcceptOnlyFromAmong("auto", "live", "plain", "none");
        command.Add(set._manifest);
        foreach (var option in new Option[] { set._simulate, set._out, set._providers, set._maxCost, set._maxJobs, set._scenario, set._timeScale, set._seed, set._noReport, set._progress, set._acceptRollback })
        {
            command.Add(option);
        }

        return set;
    }

    public RunInvocation Read(ParseResult parseResult) => new()
    {
        ManifestPath = parseResult.GetRequiredValue(_manifest),
        Simulate = parseResult.GetValue(_simulate),
        OutputDirectory = parseResult.GetValue(_out),
        ProvidersFile = parseResult.GetValue(_providers),
        MaxCostUsd = parseResult.GetValue(_maxCost),
        MaxJobs = parseResult.GetValue(_maxJobs),
        ScenarioFile = parseResult.GetValue(_scenario),
        TimeScale = parseResult.GetValue(_timeScale),
        Seed = parseResult.GetValue(_seed),
        WriteReports = !parseResult.GetValue(_noReport),
        AcceptLedgerRollback = parseResult.GetValue(_acceptRollback),
        Progress = parseResult.GetValue(_progress) ?? "auto",
    };
}
