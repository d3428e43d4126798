using System.CommandLine;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen votes import FILE.csv &lt;manifest | ledger&gt;</c> and <c>batchgen votes export &lt;manifest | ledger&gt;
/// [--output FILE]</c>: pairwise votes as CSV (<c>left_job_id,right_job_id,winner,rater</c>).
/// </summary>
internal static class VotesCommand
{
    public static Command Create()
    {
        var command = new Command("votes", "Import or export pairwise votes as CSV (left_job_id,right_job_id,winner,rater).");
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(CreateExport());
        return command;
    }

    private static Command CreateImport()
    {
        var file = new Argument<string>("file") { Description = "CSV with the header left_job_id,right_job_id,winner,rater (winner: left, right, tie, both_bad)." };
        var target = new Argument<string>("manifest-or-ledger") { Description = "The batch's manifest, its ledger.db, or its output directory." };
        var command = new Command("import", "Append the votes of a CSV file to the batch's ledger (all or none; votes already recorded are skipped).") { file, target };
        var ledger = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ImportAsync(parseResult.GetValue(file)!, parseResult.GetValue(target)!, ledger.Read(parseResult), cancellationToken));
        return command;
    }

    private static Command CreateExport()
    {
        var target = new Argument<string>("manifest-or-ledger") { Description = "The batch's manifest, its ledger.db, or its output directory." };
        var output = new Option<string?>("--output", "-o") { Description = "File to write; default or '-': standard output.", HelpName = "FILE" };
        var command = new Command("export", "Write every vote of the batch as CSV, oldest first.") { target, output };
        var ledger = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ExportAsync(parseResult.GetValue(target)!, ledger.Read(parseResult), parseResult.GetValue(output), cancellationToken));
        return command;
    }

    private static async Task<int> ImportAsync(string file, string targetPath, Ledger.LedgerSelection selection, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return await FailAsync("import", $"{file}: no such file", ExitCodes.InvalidInput);
        }

        var (loaded, error, errorExitCode) = await LedgerLocator.LoadAsync(targetPath, selection, cancellationToken);
        if (loaded is null)
        {
            return await FailAsync("import", error!, errorExitCode);
        }

        var dimensions = JobAxes.Dimensions(ResultColumns.InferAxes(loaded.Jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList()));
        var (votes, errors) = VotesCsv.Read(file, dimensions, loaded.Jobs);
        if (errors.Count > 0)
        {
            foreach (var line in errors)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return await FailAsync("import", $"{errors.Count} error(s); nothing imported", ExitCodes.InvalidInput);
        }

        try
        {
            using var store = await Ledger.LedgerStores.OpenReviewStoreAsync(loaded.Target, cancellationToken);
            var fresh = VotesCsv.NotYetRecorded(votes, store.ReadVotes());
            store.AppendVotes(fresh, "import");
            var unranked = fresh.Count(v => v.Axis is null);
            await Console.Out.WriteLineAsync(
                $"imported {fresh.Count} vote(s) into {loaded.LedgerPath}; {votes.Count - fresh.Count} already recorded"
                + (unranked > 0 ? $"; {unranked} compare jobs that differ in more than one axis (kept, not ranked)" : string.Empty));
            return ExitCodes.Success;
        }
        catch (LedgerException ex)
        {
            return await FailAsync("import", ex.Message, ExitCodes.StorageError);
        }
    }

    private static async Task<int> ExportAsync(string targetPath, Ledger.LedgerSelection selection, string? output, CancellationToken cancellationToken)
    {
        var (target, error) = Ledger.LedgerTarget.Resolve(targetPath, null, selection);
        if (error is not null)
        {
            return await FailAsync("export", error, ExitCodes.InvalidInput);
        }

        IReadOnlyList<Vote> votes;
        try
        {
            using var store = await Ledger.LedgerStores.OpenReviewStoreAsync(target!, cancellationToken);
            votes = store.ReadVotes();
        }
        catch (LedgerException ex)
        {
            return await FailAsync("export", ex.Message, ExitCodes.StorageError);
        }

        if (output is null or "-")
        {
            await VotesCsv.WriteAsync(Console.Out, votes, cancellationToken);
            return ExitCodes.Success;
        }

        try
        {
            var writer = new StreamWriter(output, append: false, new System.Text.UTF8Encoding(false));
            await using (writer)
            {
                await VotesCsv.WriteAsync(writer, votes, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync("export", $"{output}: cannot write ({ex.Message})", ExitCodes.StorageError);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> FailAsync(string verb, string message, int exitCode)
    {
        await Console.Error.WriteLineAsync($"batchgen votes {verb}: {message}");
        return exitCode;
    }
}
