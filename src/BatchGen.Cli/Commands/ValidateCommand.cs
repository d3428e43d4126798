using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchGen.Cli.Rendering;
using BatchGen.Core.Manifests;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen validate MANIFEST... [--json]</c>: loads and checks every manifest; exit 0 when all are valid, 2
/// otherwise. With <c>--json</c>, one object on stdout: <c>valid</c>, <c>manifests[]</c> (<c>path</c>, <c>valid</c>,
/// <c>jobs</c>, <c>diagnostics[]</c> of <c>file</c>, <c>line</c>, <c>column</c>, <c>field</c>, <c>message</c>,
/// <c>severity</c>), and the counts.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var manifests = new Argument<string[]>("manifest")
        {
            Description = "Manifest files (YAML, or CSV where each row is a job).",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (diagnostics as objects, valid and job counts) on stdout instead of lines." };
        var maxJobs = ManifestOptions.MaxJobs();
        var providers = ManifestOptions.Providers();
        var checkImages = ManifestOptions.CheckImages();
        var command = new Command("validate", "Check manifests without running anything: all errors at once, one line each, on stderr.")
        {
            manifests,
            json,
            maxJobs,
            providers,
            checkImages,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(manifests) ?? [],
            ManifestOptions.LoadOptions(parseResult, maxJobs, providers),
            parseResult.GetValue(json),
            parseResult.GetValue(checkImages),
            Console.Out,
            Console.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> paths, ManifestLoadOptions options, bool json, bool checkImages, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var exitCode = ExitCodes.Success;
        var results = new List<(string Path, ManifestLoadResult Result)>();
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = ManifestLoader.Load(path, options);
            if (checkImages)
            {
                result = await ManifestOptions.CheckRemoteImagesAsync(result, strict: true, cancellationToken);
            }

            results.Add((path, result));
            if (result.Manifest is null)
            {
                exitCode = ExitCodes.InvalidInput;
            }

            if (json)
            {
                continue;
            }

            await ManifestOptions.WriteDiagnosticsAsync(stderr, result, cancellationToken);
            if (result.Manifest is { } manifest)
            {
                await stdout.WriteLineAsync($"{path}: valid, {Format.Quantity(manifest.JobCount, "job")}".AsMemory(), cancellationToken);
            }
        }

        if (json)
        {
            await stdout.WriteLineAsync(ToJson(results).AsMemory(), cancellationToken);
        }

        return exitCode;
    }

    private static string ToJson(List<(string Path, ManifestLoadResult Result)> results)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("valid", results.All(r => r.Result.Manifest is not null));
            writer.WriteNumber("manifest_count", results.Count);
            writer.WriteNumber("valid_count", results.Count(r => r.Result.Manifest is not null));
            writer.WriteNumber("error_count", results.Sum(r => r.Result.Errors.Count));
            writer.WriteNumber("warning_count", results.Sum(r => r.Result.Warnings.Count));
            writer.WriteNumber("jobs", results.Sum(r => r.Result.Manifest?.JobCount ?? 0));
            writer.WriteStartArray("manifests");
            foreach (var (path, result) in results)
            {
                writer.WriteStartObject();
                writer.WriteString("path", path);
                writer.WriteBoolean("valid", result.Manifest is not null);
                if (result.Manifest is { } manifest)
                {
                    writer.WriteNumber("jobs", manifest.JobCount);
                }
                else
                {
                    writer.WriteNull("jobs");
                }

                writer.WriteStartArray("diagnostics");
                foreach (var (diagnostic, severity) in result.Errors.Select(e => (e, "error")).Concat(result.Warnings.Select(w => (w, "warning"))))
                {
                    writer.WriteStartObject();
                    writer.WriteString("file", diagnostic.File);
                    writer.WriteNumber("line", diagnostic.Line);
                    writer.WriteNumber("column", diagnostic.Column);
                    writer.WriteString("field", diagnostic.Field);
                    writer.WriteString("message", diagnostic.Message);
                    writer.WriteString("severity", severity);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
