using System.CommandLine;
using BatchGen.Cli.Logging;
using BatchGen.Cli.Run;
using BatchGen.Core.Pipeline.Halting;
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
            return RunHandler.Create(invocation).RunAsync(invocation, cancellationToken);
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
            return RunHandler.Create(invocation).RunAsync(invocation, cancellationToken);
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
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON summary object on stdout at the end; the live view and messages go to stderr." };
    private readonly Option<string?> _verify = new("--verify") { Description = "standard (each video is a complete, playable MP4) or deep (also decode every video with ffmpeg, which must be installed). Default: the manifest's verify, else standard." };
    private readonly Option<string> _progress = new("--progress") { Description = "auto (a live table on a terminal, progress lines on stderr otherwise), live, plain or none.", DefaultValueFactory = _ => "auto" };
    private readonly Option<string?> _tz = new("--tz") { HelpName = "ZONE", Description = "Time zone (IANA id) of {date}, {time}, {datetime} and of the per-day and per-month caps (over the manifest's timezone:; default: the machine's)." };
    private readonly Option<bool> _resumeLatest = new("--resume-latest") { Description = "Continue the newest unfinished batch of this manifest (found in the spend file beside the batches) instead of starting one for today." };
    private readonly Option<int?> _haltFailures = new("--halt-on-failures") { HelpName = "N", Description = "Stop submitting once N jobs failed in this run; jobs in flight finish; exit 1." };
    private readonly Option<string?> _haltRate = new("--halt-on-failure-rate") { HelpName = "PCT", Description = "Stop submitting once this share of finished jobs failed (e.g. 20%), judged after --halt-min-finished jobs; exit 1." };
    private readonly Option<int> _haltMin = new("--halt-min-finished") { HelpName = "N", Description = "Finished jobs before --halt-on-failure-rate is judged.", DefaultValueFactory = _ => HaltRules.DefaultMinFinished };
    private readonly Option<bool> _haltPerProvider = new("--halt-per-provider") { Description = "Judge the halt rules per provider and stop only the provider that trips them (default: all providers together)." };
    private readonly Option<string[]> _notify = new("--notify") { HelpName = "URL", Description = "POST a JSON summary (with a Slack-compatible text field) here at the end of every run; repeatable; adds to the manifest's notify:.", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string> _logFormat = new("--log-format") { Description = "plain (sentences) or json (one object per line on stderr: time, level, run_id, job_id, provider, event, message).", DefaultValueFactory = _ => "plain" };
    private readonly Option<string> _logLevel = new("--log-level") { Description = "trace, debug, info, warning, error or none.", DefaultValueFactory = _ => LogSettings.DefaultLevel };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Same as --log-level debug." };
    private readonly Option<bool> _quiet = new("--quiet") { Description = "Print only the final summary (and errors): no progress, no warnings." };

    private Ledger.LedgerOptionSet? _ledger;

    public static RunOptionSet AddTo(Command command)
    {
        var set = new RunOptionSet();
        set._progress.AcceptOnlyFromAmong("auto", "live", "plain", "none");
        set._logFormat.AcceptOnlyFromAmong("plain", "json");
        set._verify.AcceptOnlyFromAmong("standard", "deep");
        set._logLevel.AcceptOnlyFromAmong(LogSettings.LevelNames);
        set._haltRate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !HaltRules.TryParseRate(text, out _))
            {
                r.AddError($"--halt-on-failure-rate: '{text}' is not a percentage (e.g. 20%)");
            }
        });
        command.Add(set._manifest);
        foreach (var option in new Option[] { set._simulate, set._out, set._providers, set._maxCost, set._maxJobs, set._scenario, set._timeScale, set._seed, set._noReport, set._verify, set._progress, set._tz, set._resumeLatest, set._haltFailures, set._haltRate, set._haltMin, set._haltPerProvider, set._notify, set._logFormat, set._logLevel, set._verbose, set._quiet, set._json, set._acceptRollback })
        {
            command.Add(option);
        }

        set._ledger = Ledger.LedgerOptionSet.AddTo(command);
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
        Progress = parseResult.GetValue(_quiet) ? "none" : parseResult.GetValue(_progress) ?? "auto",
        JsonOutput = parseResult.GetValue(_json) ? Console.Out : null,
        Verify = parseResult.GetValue(_verify),
        TimeZone = parseResult.GetValue(_tz),
        ResumeLatest = parseResult.GetValue(_resumeLatest),
        Halt = new HaltRules
        {
            MaxFailures = parseResult.GetValue(_haltFailures),
            MaxFailureRate = parseResult.GetValue(_haltRate) is { } rate && HaltRules.TryParseRate(rate, out var r) ? r : null,
            MinFinished = parseResult.GetValue(_haltMin),
            PerProvider = parseResult.GetValue(_haltPerProvider),
        },
        Notify = parseResult.GetValue(_notify) ?? [],
        Ledger = _ledger!.Read(parseResult),
        Log = new LogSettings
        {
            Format = parseResult.GetValue(_logFormat) ?? "plain",
            MinLevel = parseResult.GetValue(_quiet) ? Microsoft.Extensions.Logging.LogLevel.Error
                : parseResult.GetValue(_verbose) ? Microsoft.Extensions.Logging.LogLevel.Debug
                : LogSettings.ParseLevel(parseResult.GetValue(_logLevel)),
            Quiet = parseResult.GetValue(_quiet),
        },
    };
}
