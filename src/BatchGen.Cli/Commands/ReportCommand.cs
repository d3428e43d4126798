using System.CommandLine;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Cli.Commands;

/// <summary><c>batchgen report &lt;manifest | ledger&gt; [--out DIR] [--rows AXIS] [--cols AXIS]</c>: rebuilds every report from the ledger.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("manifest-or-ledger") { Description = "The batch's manifest, its ledger.db, or its output directory." };
        var output = new Option<string?>("--out") { Description = "Directory to write the reports to (default: the batch's output directory).", HelpName = "DIR" };
        var rows = new Option<string?>("--rows") { Description = "Contact sheet row axis (default: style, else the axis with most values).", HelpName = "AXIS" };
        var cols = new Option<string?>("--cols") { Description = "Contact sheet column axis (default: provider, else the axis with most values).", HelpName = "AXIS" };
        var command = new Command("report", "Rebuild results.csv, cost reports, the A/B comparison, summary.json and contact-sheet.html from the ledger.")
        {
            target, output, rows, cols,
        };
        var ledger = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(target)!,
            ledger.Read(parseResult),
            parseResult.GetValue(output),
            new ContactSheetOptions(parseResult.GetValue(rows), parseResult.GetValue(cols)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string targetPath, Ledger.LedgerSelection selection, string? outDirectory, ContactSheetOptions sheet, CancellationToken cancellationToken)
    {
        // The jobs are streamed from the ledger (in id order) rather than read into memory.
        var (loaded, error, errorExitCode) = await LedgerLocator.LoadAsync(targetPath, selection, cancellationToken, readJobs: false);
        if (loaded is null)
        {
            return await FailAsync(error!, errorExitCode);
        }

        var kind = Path.GetFullPath(targetPath) == loaded.LedgerPath ? ReportTargetKind.Ledger : ReportTargetKind.Manifest;
        using var store = loaded.OutputStore is { } o ? new Core.Storage.S3ObjectStore(o.Store, TimeProvider.System) : null;
        IReadOnlyList<string> written;
        ObjectLinks? links = null;
        try
        {
            var ledger = await Ledger.LedgerStores.OpenReadOnlyAsync(loaded.Target, cancellationToken);
            await using (ledger)
            {
                links = store is null ? null : ObjectLinks.For(store, loaded.OutputStore!.LinkLifetime, TimeProvider.System);
                var settings = new ReportInput(ReportInput.NameFor(targetPath, kind), await ledger.ReadAxisNamesAsync(cancellationToken), [], DateTimeOffset.UnixEpoch)
                {
                    OutputRoot = loaded.OutputDirectory,
                    PriceOf = UnsubmittedPrices.From(loaded.Providers),
                    Simulated = loaded.Simulated,
                    Reviews = loaded.Reviews,
                    Links = links,
                };
                written = await ReportWriter.WriteAllAsync(settings, ledger, outDirectory ?? loaded.OutputDirectory, sheet, cancellationToken);
            }

            if (links?.Problem is { } linkProblem)
            {
                await Console.Error.WriteLineAsync($"batchgen report: warning: the reports have no links to the stored videos: {linkProblem}");
            }
        }
        catch (ArgumentException ex) when (ex.ParamName == "sheet")
        {
            return await FailAsync(ex.Message[..^" (Parameter 'sheet')".Length], ExitCodes.InvalidInput);
        }
        catch (LedgerException ex)
        {
            return await FailAsync(ex.Message, ExitCodes.For(ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync($"{outDirectory ?? loaded.OutputDirectory}: cannot write the reports ({ex.Message})", ExitCodes.StorageError);
        }

        foreach (var path in written)
        {
            await Console.Out.WriteLineAsync(path);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync($"batchgen report: {message}");
        return exitCode;
    }
}
