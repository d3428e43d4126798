using System.CommandLine;
using BatchGen.Cli.Rendering;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;
using Spectre.Console;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen plan MANIFEST [--json] [--all]</c>: what the manifest will do before anything is spent: job counts per
/// provider and axis value, estimated cost and wall time, and the first jobs.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Manifest file (YAML, or CSV where each row is a job)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var all = new Option<bool>("--all") { Description = "List every job, not only the first 20." };
        var maxJobs = ManifestOptions.MaxJobs();
        var providers = ManifestOptions.Providers();
        var checkImages = ManifestOptions.CheckImages();
        var command = new Command("plan", "Show the jobs, estimated cost and wall time of a manifest without running it.")
        {
            manifest,
            json,
            all,
            maxJobs,
            providers,
            checkImages,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new PlanRequest(parseResult.GetValue(manifest)!, parseResult.GetValue(json), parseResult.GetValue(all), ManifestOptions.LoadOptions(parseResult, maxJobs, providers))
            {
                CheckImages = parseResult.GetValue(checkImages),
            },
            ConsoleFactory.CreateStdout(),
            Console.Out,
            Console.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(PlanRequest request, IAnsiConsole console, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var result = ManifestLoader.Load(request.Path, request.Options);
        if (request.CheckImages)
        {
            result = await ManifestOptions.CheckRemoteImagesAsync(result, strict: true, cancellationToken);
        }

        await ManifestOptions.WriteDiagnosticsAsync(stderr, result, cancellationToken);
        if (result.Manifest is not { } manifest)
        {
            return ExitCodes.InvalidInput;
        }

        if (request.Json)
        {
            await PlanJsonWriter.WriteAsync(manifest, request.All, stdout, cancellationToken);
            return ExitCodes.Success;
        }

        var summary = PlanCalculator.Compute(manifest, request.All ? 0 : PlanCalculator.DefaultSampleSize, (_, _) => cancellationToken.ThrowIfCancellationRequested());
        PlanRenderer.Render(console, manifest, summary, request.All);
        if (request.All)
        {
            // Every job, streamed one line each (a table would hold them all in memory).
            PlanRenderer.RenderAllJobs(console, manifest, cancellationToken);
        }

        return ExitCodes.Success;
    }
}

/// <summary>The parsed arguments of <c>plan</c>.</summary>
internal sealed record PlanRequest(string Path, bool Json, bool All, ManifestLoadOptions Options)
{
    /// <summary><c>--check-images</c>: also check every distinct image URL over the network.</summary>
    public bool CheckImages { get; init; }
}
