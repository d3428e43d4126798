using System.CommandLine;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Cli.Commands;

/// <summary><c>batchgen export &lt;manifest | ledger&gt; --format csv|jsonl [--output FILE]</c>: ledger rows for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("manifest-or-ledger") { Description = "The batch's manifest, its ledger.db, or its output directory." };
        var format = new Option<string>("--format") { Description = "csv (the results.csv columns) or jsonl (one JSON object per job).", HelpName = "csv|jsonl", Required = true };
        format.AcceptOnlyFromAmong([.. Exporter.Formats]);
        var output = new Option<string?>("--output", "-o") { Description = "File to write (atomically); default or '-': standard output.", HelpName = "FILE" };
        var command = new Command("export", "Export every job of a batch from its ledger, sorted by job id.") { target, format, output };
        var ledger = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(target)!, ledger.Read(parseResult), parseResult.GetValue(format)!, parseResult.GetValue(output), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string targetPath, Ledger.LedgerSelection selection, string format, string? outputFile, CancellationToken cancellationToken)
    {
        var (loaded, error, errorExitCode) = await LedgerLocator.LoadAsync(targetPath, selection, cancellationToken);
        if (loaded is null)
        {
            return await FailAsync(error!, errorExitCode);
        }

        var jobs = loaded.Jobs;
        try
        {
            using var store = loaded.OutputStore is { } o ? new Core.Storage.S3ObjectStore(o.Store, TimeProvider.System) : null;
            var links = store is null ? null : ObjectLinks.For(store, loaded.OutputStore!.LinkLifetime, TimeProvider.System);
            var problem = await ExportRunner.ExportAsync(jobs, format, outputFile, Console.Out, links, cancellationToken);
            if (links?.Problem is { } linkProblem)
            {
                await Console.Error.WriteLineAsync($"batchgen export: warning: no links to the stored videos: {linkProblem}");
            }

            return problem is null ? ExitCodes.Success : await FailAsync(problem, ExitCodes.InvalidInput);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync($"{outputFile}: cannot write the export ({ex.Message})", ExitCodes.StorageError);
        }
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync($"batchgen export: {message}");
        return exitCode;
    }
}
