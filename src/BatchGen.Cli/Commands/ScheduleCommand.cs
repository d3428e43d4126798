using System.CommandLine;
using BatchGen.Cli.Run;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen schedule "0 2 * * *" manifest.yaml</c>: a cron for containers without one. Runs the batch at each
/// occurrence, one run at a time (an occurrence passed during a long run is skipped, not queued), with the run's own
/// ledger lock, until Ctrl+C or SIGTERM.
/// </summary>
internal static class ScheduleCommand
{
    public static Command Create()
    {
        var command = new Command("schedule", "Run a manifest at every occurrence of a cron expression (for containers without cron), one run at a time, until stopped.");
        var cron = new Argument<string>("cron") { Description = "Five-field cron expression (minute hour day-of-month month day-of-week), e.g. \"0 2 * * *\"; in --tz (default: the machine's zone)." };
        command.Add(cron);
        var options = RunOptionSet.AddTo(command);
        var resubmit = new Option<bool>("--resubmit-ambiguous")
        {
            Description = "Resubmit jobs whose earlier submit may or may not have reached the provider (may pay twice).",
        };
        command.Add(resubmit);
        cron.Validators.Add(r =>
        {
            if (!CronSchedule.TryParse(r.GetValueOrDefault<string>() ?? string.Empty, out _, out var error))
            {
                r.AddError($"cron: {error}");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var invocation = options.Read(parseResult) with { ResubmitAmbiguous = parseResult.GetValue(resubmit) };
            return CronSchedule.TryParse(parseResult.GetRequiredValue(cron), out var schedule, out _)
                ? new ScheduleLoop(schedule!, invocation, TimeProvider.System, Console.Error).RunAsync(cancellationToken)
                : Task.FromResult(ExitCodes.InvalidInput);
        });
        return command;
    }
}
