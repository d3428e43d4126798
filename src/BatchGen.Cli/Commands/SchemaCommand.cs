using System.CommandLine;
using BatchGen.Core.Manifests.Schema;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen schema [--output FILE]</c>: prints the manifest JSON Schema this version validates against (embedded
/// in the tool, <c>$id</c> <see cref="ManifestSchema.Id"/>), for editors: save it and point a
/// <c># yaml-language-server: $schema=FILE</c> line at it.
/// </summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "File to write (atomically) instead of standard output.", HelpName = "FILE" };
        var command = new Command("schema", $"Print the manifest JSON Schema ($id {ManifestSchema.Id}) for editor completion and checks.") { output };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(output), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string? outputFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var text = ManifestSchema.ReadSchemaText();
        if (outputFile is null or "-")
        {
            await stdout.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var full = Path.GetFullPath(outputFile);
        var temp = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(temp, text, cancellationToken).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"batchgen schema: {outputFile}: cannot write the schema ({ex.Message.ReplaceLineEndings(" ")})").ConfigureAwait(false);
            return ExitCodes.StorageError;
        }

        await stderr.WriteLineAsync($"wrote {full}; add '# yaml-language-server: $schema={full}' as a manifest's first line").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
