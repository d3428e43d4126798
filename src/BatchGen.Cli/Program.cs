using System.CommandLine;
using BatchGen.Cli;
using BatchGen.Cli.Commands;

var root = new RootCommand("BatchGen: bulk image-to-video generation from manifest files.");
foreach (var command in CommandCatalog.Create())
{
    root.Subcommands.Add(command);
}

try
{
    return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    return ExitCodes.Cancelled;
}
#pragma warning disable CA1031 // The process edge: any escaped exception becomes one line and a documented exit code.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"batchgen: internal error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
    return ExitCodes.InternalError;
}
