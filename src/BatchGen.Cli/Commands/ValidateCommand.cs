using System.CommandLine;
using System.Globalization;
using BatchGen.Core.Manifests;

namespace BatchGen.Cli.Commands;

/// <summary><c>batchgen validate MANIFEST...</c>: loads and checks every manifest; exit 0 when all are valid, 2 otherwise.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var manifests = new Argument<string[]>("manifest")
        {
            Description = "Manifest files (YAML, or CSV where each row is a job).",
            Arity = ArgumentArity.OneOrMore,
        };
        var maxJobs = ManifestOptions.MaxJobs();
        var providers = ManifestOptions.Providers();
        var command = new Command("validate", "Check manifests without running anything: all errors at once, one line each, on stderr.")
        {
            manifests,
            maxJobs,
            providers,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(manifests) ?? [],
            ManifestOptions.LoadOptions(parseResult, maxJobs, providers),
            Console.Out,
            Console.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> paths, ManifestLoadOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var exitCode = ExitCodes.Success;
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = ManifestLoader.Load(path, options);
            await ManifestOptions.WriteDiagnosticsAsync(stderr, result, cancellationToken);
            if (result.Manifest is { } manifest)
            {
                var line = string.Create(CultureInfo.InvariantCulture, $"{path}: valid, {manifest.JobCount} jobs");
                await stdout.WriteLineAsync(line.AsMemory(), cancellationToken);
            }
            else
            {
                exitCode = ExitCodes.InvalidInput;
            }
        }

        return exitCode;
    }
}
