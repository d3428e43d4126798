using System.CommandLine;
using System.Runtime.InteropServices;
using BatchGen.Cli;
using BatchGen.Cli.Commands;

var root = new RootCommand("BatchGen: bulk image-to-video generation from manifest files.");
foreach (var command in CommandCatalog.Create())
{
    root.Subcommands.Add(command);
}

// `--version` names what a support request needs: the tool, the SQLite library under the ledger, the runtime.
if (args is ["--version"])
{
    var version = typeof(ExitCodes).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
    await Console.Out.WriteLineAsync($"batchgen {version.Split('+')[0]} (SQLite {BatchGen.Core.Ledger.SqliteVersion.Native}, .NET {Environment.Version})").ConfigureAwait(false);
    return ExitCodes.Success;
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

// The first Ctrl+C or SIGTERM cancels the command's token (no new admissions, the ledger stays consistent) and the
// process exits with 130 within 5 s; a second one exits at once. Handled here, not by System.CommandLine, because an
// embedded web host (the simulator of `run --simulate`) takes SIGINT for itself otherwise.
using var stop = new CancellationTokenSource();
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    if (Interlocked.Increment(ref signals) > 1)
    {
        Environment.Exit(ExitCodes.Cancelled);
    }

    stop.Cancel();
    _ = Task.Delay(TimeSpan.FromSeconds(4.5), CancellationToken.None).ContinueWith(_ => Environment.Exit(ExitCodes.Cancelled), TaskScheduler.Default);
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

try
{
    return await parseResult.InvokeAsync(
        new InvocationConfiguration
        {
            // Exceptions reach the handlers below: one line and a documented exit code, never a stack trace.
            EnableDefaultExceptionHandler = false,
            // Signals are handled above.
            ProcessTerminationTimeout = null,
        },
        stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("batchgen: stopped; run the same command again to resume").ConfigureAwait(false);
    return ExitCodes.Cancelled;
}
catch (BatchGen.Core.Ledger.LedgerException ex)
{
    await Console.Error.WriteLineAsync($"batchgen: {ex.Message}").ConfigureAwait(false);
    return ExitCodes.For(ex);
}
catch (Microsoft.Data.Sqlite.SqliteException ex)
{
    // A ledger error a command did not classify: still one line and the storage exit code, not a bug report.
    await Console.Error.WriteLineAsync($"batchgen: ledger error: {ex.Message.ReplaceLineEndings(" ")} (check the ledger file and the disk)").ConfigureAwait(false);
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
