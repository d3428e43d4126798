using System.CommandLine;

namespace BatchGen.Cli.Commands;

/// <summary>Every subcommand of the CLI, one class per command. Add new commands here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create()
    {
        yield return ValidateCommand.Create();
        yield return PlanCommand.Create();
        yield return RunCommand.Create();
        yield return RetryCommand.Create();
        yield return StatusCommand.Create();
        yield return ReportCommand.Create();
        yield return ExportCommand.Create();
        yield return ReviewCommand.Create();
        yield return VotesCommand.Create();
        yield return ScheduleCommand.Create();
        yield return LedgerCommand.Create();
        yield return SimCommand.Create();
        yield return SchemaCommand.Create();
        yield return BenchCommand.Create();
    }
}
