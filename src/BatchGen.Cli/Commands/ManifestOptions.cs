using System.CommandLine;
using BatchGen.Core.Manifests;

namespace BatchGen.Cli.Commands;

/// <summary>Options shared by the commands that load a manifest.</summary>
internal static class ManifestOptions
{
    public static Option<long> MaxJobs() => new("--max-jobs")
    {
        Description = "Refuse a manifest that expands to more jobs than this (counted without expanding it).",
        DefaultValueFactory = _ => ManifestLoadOptions.DefaultMaxJobs,
    };

    public static Option<string?> Providers() => new("--providers")
    {
        Description = "YAML file of provider settings, applied over the built-in defaults and under the manifest's providers: section.",
    };

    public static ManifestLoadOptions LoadOptions(ParseResult parseResult, Option<long> maxJobs, Option<string?> providers) => new()
    {
        MaxJobs = parseResult.GetValue(maxJobs),
        ProvidersFile = parseResult.GetValue(providers),
    };

    /// <summary>Errors as <c>file:line:col: field: message</c>, warnings prefixed with <c>warning:</c>, one per line.</summary>
    public static async Task WriteDiagnosticsAsync(TextWriter stderr, ManifestLoadResult result, CancellationToken cancellationToken)
    {
        foreach (var warning in result.Warnings)
        {
            await stderr.WriteLineAsync(("warning: " + warning).AsMemory(), cancellationToken);
        }

        foreach (var error in result.Errors)
        {
            await stderr.WriteLineAsync(error.ToString().AsMemory(), cancellationToken);
        }
    }
}
