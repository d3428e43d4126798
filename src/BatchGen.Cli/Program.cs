using System.CommandLine;
using BatchGen.Cli;
using BatchGen.Cli.Commands;

var root = new RootCommand("BatchGen: bulk image-to-video generation from manifest files.");
foreach (var command in CommandCatalog.Create())
{
    root.Subcommands.Add(command);
}

var parseResult = root.Parse(args);
if (parseResult.Errors.Count > 0)
{
    foreach (var error in parseResult.Errors)
    {
        await Console.Error.WriteLineAsync($"batchgen: {error.Message}").ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("batchgen: see 'batchgen --help'").ConfigureAwait(false);
    return ExitCodes.InvalidInput;
}

// The first Ctrl+C cancels the action's token (System.CommandLine); a second one exits at once. Both leave the
// ledger consistent: every state change is one SQLite transaction.
var interrupts = 0;
Console.CancelKeyPress += (_, _) =>
{
    if (Interlocked.Increment(ref interrupts) > 1)
    {
        Environment.Exit(ExitCodes.Cancelled);
    }
};

try
{
    return await parseResult.InvokeAsync(new InvocationConfiguration
    {
        // Exceptions reach the handlers below: one line and a documented exit code, never a stack trace.
        EnableDefaultExceptionHandler = false,
        // After Ctrl+C or SIGTERM the action has this long to stop before the process exits with 130.
        ProcessTerminationTimeout = TimeSpan.FromSeconds(4.5),
    }).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("batchgen: stopped; run the same command again to resume").ConfigureAwait(false);
    return ExitCodes.Cancelled;
}
catch (BatchGen.Core.Ledger.LedgerException ex)
{
    await Console.Error.WriteLineAsync($"batchgen: {ex.Message}").ConfigureAwait(false);
    return ExitCodes.StorageError;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"batchgen: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
    return ExitCodes.StorageError;
}
#pragma warning disable CA1031 // The process edge: any escaped exception becomes one line and a documented exit code.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"batchgen: internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
    return ExitCodes.InternalError;
}
