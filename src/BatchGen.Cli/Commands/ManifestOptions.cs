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

    public static Option<bool> CheckImages() => new("--check-images")
    {
        Description = "Also check every distinct image_url over the network (HEAD, else a ranged GET): reachable, an image, within the providers' limits. Local image: files are always checked.",
    };

    /// <summary>
    /// The remote image pre-flight over a loaded manifest's distinct image URLs. <paramref name="strict"/>: an unreachable
    /// URL is an error (asked for with --check-images), else a warning (run: this machine may not see what the provider sees).
    /// </summary>
    public static async Task<ManifestLoadResult> CheckRemoteImagesAsync(ManifestLoadResult result, bool strict, CancellationToken cancellationToken)
    {
        if (result.Manifest is not { } manifest || manifest.RemoteImages.All.Count == 0)
        {
            return result;
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var (errors, warnings) = await new BatchGen.Core.Images.RemoteImageCheck(http) { Strict = strict }.CheckAsync(manifest.RemoteImages, cancellationToken);
        if (warnings.Count > 1)
        {
            // Unreachable from here (no network, a firewall): one line, not one per URL.
            var first = warnings[0];
            warnings = [first with { Message = $"{first.Message} (and {warnings.Count - 1} more image URLs could not be checked)" }];
        }

        return result.With(errors, warnings);
    }

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
