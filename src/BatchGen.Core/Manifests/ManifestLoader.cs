using System.Globalization;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Csv;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Schema;
using BatchGen.Core.Manifests.Yaml;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Configuration;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Loads a manifest (YAML, or a CSV where each row is a job): read -> schema -> model -> checks -> count -> one full
/// validation pass over every job. Never throws for bad input: every problem becomes a <see cref="Diagnostic"/>.
/// Every stage runs even when an earlier one found errors (only an unreadable file or a job count over the limit
/// stops it), skipping just the values already reported, so one run lists every independent error.
/// </summary>
public static class ManifestLoader
{
    public static ManifestLoadResult Load(string path, ManifestLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var bag = new DiagnosticBag();
        Manifest? manifest;
        try
        {
            manifest = LoadInto(path, options, bag);
        }
#pragma warning disable CA1031 // The loader's contract: bad input never escapes as an exception, even through a bug.
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
        {
            bag.Error(new SourceMark(path, 1, 1), "manifest", $"could not be read ({ex.GetType().Name}: {ex.Message}); this is a BatchGen bug, please report it with the manifest");
            manifest = null;
        }

        return new ManifestLoadResult(manifest, bag.Errors(), bag.Warnings());
    }

    private static Manifest? LoadInto(string path, ManifestLoadOptions options, DiagnosticBag bag)
    {
        var display = path;
        var fullPath = System.IO.Path.GetFullPath(path);
        var document = new ManifestDocument { File = display, FullPath = fullPath };
        if (!Read(document, bag, out var rejected))
        {
            return null;
        }

        Images.ImageFiles.Apply(document, bag);
        ManifestChecks.Run(document, bag);
        var providers = ProviderCatalog.CreateDefaults();
        Webhooks.WebhookSettings? webhook = null;
        if (options.ProvidersFile is { } providersFile)
        {
            ProvidersConfiguration.ApplyFile(providersFile, providers, bag, out webhook);
        }

        if (document.Webhook is { } webhookSection)
        {
            webhook = WebhookConfigReader.Apply(webhookSection, display, webhook, bag, rejected);
        }

        if (document.Providers is { } section)
        {
            ProvidersConfigReader.Apply(section, display, providers, bag, rejected);
        }

        if (!CheckCount(document, options, bag))
        {
            return null;
        }

        var name = document.Name ?? System.IO.Path.GetFileNameWithoutExtension(fullPath);
        var zoneId = options.TimeZone ?? document.TimeZone?.Id;
        if (BatchTime.FindZone(zoneId) is not { } zone)
        {
            bag.Error(options.TimeZone is null ? document.TimeZone!.Value.Mark : document.Start, options.TimeZone is null ? "timezone" : "--tz",
                $"'{zoneId}' is not a time zone this machine knows (use an IANA id such as Europe/Paris or UTC; install tzdata if none is known)");
            return null;
        }

        document.Time = BatchTime.Now(zone, options.BatchStartUtc ?? TimeProvider.System.GetUtcNow());
        // A refused name is reported once: the output directory rendered from it is not checked again.
        var nameOk = OutputLocation.CheckName(name, document.NameMark ?? document.Start, bag);
        var outputDirectory = nameOk ? OutputDirectory(document, name, bag) : null;
        var filename = document.OutputFilename?.Template ?? Template.TryParse(OutputPaths.DefaultFilename, out _)!;
        filename.Bind(document.Keys.SlotOf);
        var deduplicate = ManifestChecks.DuplicatesPossible(document);
        var jobCount = document.SourceRejected ? 0 : ValidateAll(document, filename, name, deduplicate, providers, bag);
        if (outputDirectory is not null && !bag.HasErrors && OutputLocation.Problem(outputDirectory, document.MaxOutputPathBytes) is { } problem)
        {
            bag.Error(document.OutputFilename?.Mark ?? document.OutputDir?.Mark ?? document.Start, "output", problem);
        }

        if (bag.HasErrors || outputDirectory is null)
        {
            return null;
        }

        return new Manifest(document, name, outputDirectory, providers, filename, deduplicate, jobCount) { Webhook = webhook };
    }

    /// <summary>False when nothing more can be checked (the file is unreadable, not YAML, or its CSV has no rows).</summary>
    private static bool Read(ManifestDocument document, DiagnosticBag bag, out RejectedNodes rejected)
    {
        rejected = RejectedNodes.None;
        if (document.FullPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (CsvRowsReader.Read(document.FullPath, document.File, document.Keys, bag, what: "manifest") is not { } rows)
            {
                return false;
            }

            document.Axes.Add(rows);
            return true;
        }

        var root = YamlFile.Load(document.FullPath, document.File, "manifest", bag, ManifestSchema.TopLevelKeys);
        if (root is null)
        {
            return false;
        }

        rejected = ManifestSchema.Validate(root, document.File, bag);
        YamlManifestReader.Read(root, document, bag, rejected);
        return true;
    }

    private static bool CheckCount(ManifestDocument document, ManifestLoadOptions options, DiagnosticBag bag)
    {
        var combinations = new GridCounter(document).Count(out var exact);
        var jobs = combinations * document.Repeat;
        if (jobs > options.MaxJobs)
        {
            var at = document.Axes.Count > 0 ? document.Axes[0].Mark : document.Start;
            var size = jobs.ToString(CultureInfo.InvariantCulture);
            bag.Error(at, "manifest", $"expands to {(exact ? string.Empty : "up to ")}{size} jobs, more than --max-jobs {options.MaxJobs.ToString(CultureInfo.InvariantCulture)}; narrow the grid or raise --max-jobs");
            return false;
        }

        return true;
    }

    private static string? OutputDirectory(ManifestDocument document, string name, DiagnosticBag bag)
    {
        var template = document.OutputDir?.Template ?? Template.TryParse("out/{name}", out _)!;
        var rendered = template.Render(new System.Text.StringBuilder(), (_, variable) => variable == "name" ? name : document.Time.Lookup(variable), out var missing);
        if (rendered is null)
        {
            bag.Error(document.OutputDir?.Mark ?? document.Start, "output.dir", missing is null ? "renders too long" : $"uses {{{missing}}}: output.dir may only use {{name}}, {{date}}, {{time}} and {{datetime}} (it is one directory for the whole batch)");
            return null;
        }

        if (!OutputLocation.CheckDirectory(rendered, document.OutputDir?.Mark ?? document.Start, bag))
        {
            return null;
        }

        try
        {
            return System.IO.Path.GetFullPath(rendered);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            bag.Error(document.OutputDir?.Mark ?? document.Start, "output.dir", $"'{rendered}' is not a valid directory path");
            return null;
        }
    }

    /// <summary>Builds every job once: all rule errors are found here, duplicates and unpriced combinations warned.</summary>
    private static long ValidateAll(ManifestDocument document, Template filename, string name, bool deduplicate, Dictionary<string, ProviderSettings> providers, DiagnosticBag bag)
    {
        long count = 0;
        long duplicates = 0;
        JobSpec? firstDuplicate = null;
        var unpriced = new HashSet<(string, string, int)>();
        var prices = new Planning.JobTally(providers);
        var needStore = new SortedSet<string>(StringComparer.Ordinal);
        // Ids are only needed here to collapse duplicates; without them the pass skips the hashing.
        foreach (var job in Manifest.Enumerate(document, filename, name, deduplicate, bag, dup => { duplicates++; firstDuplicate ??= dup; }, idsFor: 0, validateOnly: true))
        {
            count++;
            var p = job.Parameters;
            if (p.Image is not null && job.Provider != ProviderNames.Pixwith)
            {
                needStore.Add(job.Provider);
            }

            if (prices.ClassOf(job).CostUsd is null && unpriced.Add((job.Provider, p.Resolution, p.Duration)))
            {
                bag.Warning(document.Start, "pricing", $"no price for provider={job.Provider}, resolution={p.Resolution}, duration={p.Duration} in its pricing table; the cost of these jobs is unknown (set providers.{job.Provider}.pricing.base)");
            }
        }

        if (needStore.Count > 0 && document.ImageStore is null)
        {
            bag.Error(document.FirstImageMark ?? document.Start, "image_store", $"local images go to {string.Join(", ", needStore)}, which take only image URLs: set image_store (an S3-compatible bucket: endpoint, bucket, prefix, region) so they can be uploaded there (pixwith has its own upload)");
        }

        if (duplicates > 0 && firstDuplicate is not null)
        {
            var axes = string.Join(", ", firstDuplicate.Axes.Select(kv => $"{kv.Key}={kv.Value}"));
            bag.Warning(document.Start, "jobs", $"{duplicates} duplicate combination(s) collapsed into existing jobs (same provider, request and replicate), e.g. job {firstDuplicate.Id} ({axes})");
        }

        if (count == 0 && !bag.HasErrors)
        {
            bag.Error(document.Start, "manifest", "produces no jobs: every combination is excluded");
        }

        CheckOutputPathsUnique(document, filename, name, deduplicate, bag);

        return count;
    }

    /// <summary>
    /// Two jobs writing the same file would overwrite each other's paid video: an error naming both combinations.
    /// Paths that carry {job_id} are unique by construction; others are checked (case-insensitively, as on macOS and
    /// Windows), which keeps one entry per job in memory.
    /// </summary>
    private static void CheckOutputPathsUnique(ManifestDocument document, Template filename, string name, bool deduplicate, DiagnosticBag bag)
    {
        if (filename.Variables.Contains("job_id", StringComparer.Ordinal))
        {
            return;
        }

        var seen = new Dictionary<string, JobSpec>(StringComparer.OrdinalIgnoreCase);
        // The combinations' own errors were reported by the first pass: this one only compares the valid jobs' paths.
        foreach (var job in Manifest.Enumerate(document, filename, name, deduplicate, new DiagnosticBag(), idsFor: 0))
        {
            if (!seen.TryAdd(job.OutputPath, job))
            {
                var first = seen[job.OutputPath];
                bag.Error(document.OutputFilename?.Mark ?? document.Start, "output.filename", $"renders '{job.OutputPath}' for two jobs ({Describe(first)}) and ({Describe(job)}): each would overwrite the other's video; add {{job_id}} or the axis that differs");
                return;
            }
        }

        static string Describe(JobSpec job) => string.Join(", ", job.Axes.Select(kv => $"{kv.Key}={kv.Value}"));
    }
}
