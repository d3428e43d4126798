using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Manifests;

/// <summary>
/// A loaded, fully validated manifest. <see cref="Jobs"/> streams its jobs, in the same order every time, without
/// materialising them (memory flat in the job count, except for grids where duplicate jobs are possible: then a set of
/// 8-byte ids is kept to collapse them).
/// </summary>
public sealed class Manifest
{
    private readonly ManifestDocument _document;
    private readonly Template _filename;
    private readonly bool _deduplicate;

    internal Manifest(
        ManifestDocument document,
        string name,
        string outputDirectory,
        IReadOnlyDictionary<string, ProviderSettings> providers,
        Template filename,
        bool deduplicate,
        long jobCount)
    {
        _document = document;
        _filename = filename;
        _deduplicate = deduplicate;
        Path = document.FullPath;
        Name = name;
        OutputDirectory = outputDirectory;
        MaxCost = document.MaxCost;
        DeepVerify = document.DeepVerify;
        ImageStore = document.ImageStore;
        OutputStore = document.OutputStore;
        PeriodCaps = new Costs.Periods.PeriodCaps(document.MaxCostPerDay, document.MaxCostPerMonth);
        Time = document.Time;
        Notify = [.. document.Notify];
        BatchesDirectory = BatchesDirectoryOf(document.OutputDir?.Template.Source ?? "out/{name}", outputDirectory);
        Providers = providers;
        JobCount = jobCount;
        Axes = document.Axes.SelectMany(a => a.Slots)
            .Concat(document.Includes.SelectMany(i => i.Pairs.Select(p => p.Slot)))
            .Distinct()
            .Select(document.Keys.NameOf)
            .ToArray();
    }

    /// <summary>The distinct image URLs of the jobs, where each was written and which providers fetch it (remote pre-flight).</summary>
    public Images.RemoteImages RemoteImages => _document.RemoteImages;

    /// <summary>The <c>webhook:</c> section (providers file, then manifest); null = no webhooks, completion by polling.</summary>
    public Webhooks.WebhookSettings? Webhook { get; init; }

    /// <summary>Full path of the manifest file.</summary>
    public string Path { get; }

    /// <summary><c>name</c>, default: the file name without extension.</summary>
    public string Name { get; }

    /// <summary>output.dir rendered (default <c>out/{name}</c>), as a full path.</summary>
    public string OutputDirectory { get; }

    /// <summary>budget.max_cost in USD, when set.</summary>
    public decimal? MaxCost { get; }

    /// <summary><c>image_store:</c>: the bucket local input images are uploaded to, when given.</summary>
    public Storage.S3StoreSettings? ImageStore { get; }

    /// <summary><c>output.store</c>: where verified videos are uploaded, when given.</summary>
    public Storage.OutputStoreOptions? OutputStore { get; }

    /// <summary><c>verify: deep</c> in the manifest: decode every saved video with ffmpeg.</summary>
    public bool DeepVerify { get; }

    /// <summary><c>budget.max_cost_per_day</c> and <c>max_cost_per_month</c>.</summary>
    public Costs.Periods.PeriodCaps PeriodCaps { get; }

    /// <summary>The moment {date}, {time} and {datetime} were rendered for, in the batch's time zone.</summary>
    public BatchTime Time { get; }

    /// <summary><c>notify:</c> URLs.</summary>
    public IReadOnlyList<string> Notify { get; }

    /// <summary>
    /// The directory that holds this manifest's batches (and the spend file): the part of the output directory before
    /// its first segment that uses {date}, {time} or {datetime}, else the output directory's parent.
    /// </summary>
    public string BatchesDirectory { get; }

    /// <summary>True when the output directory changes with the batch time ({date}, {time} or {datetime}).</summary>
    public bool UsesBatchTime => DatedOutputDirectory || _filename.Variables.Any(BatchTime.Variables.Contains);

    /// <summary>True when the output directory uses {date}, {time} or {datetime}.</summary>
    public bool DatedOutputDirectory => _document.OutputDir?.Template.Variables.Any(BatchTime.Variables.Contains) == true;

    /// <summary>Renders a directory given on the command line (<c>--out</c>) with {name}, {date}, {time}, {datetime}.</summary>
    public string RenderDirectory(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var template = Template.TryParse(text, out _);
        var rendered = template?.Render(new System.Text.StringBuilder(), (_, v) => v == "name" ? Name : Time.Lookup(v), out _);
        return System.IO.Path.GetFullPath(rendered ?? text);
    }

    /// <summary>
    /// The directory that holds the batches when one of them is in <paramref name="outputDirectory"/> (a batch run
    /// earlier, rendered for its own time): the rule of <see cref="BatchesDirectory"/> applied to that directory.
    /// </summary>
    public string BatchesDirectoryFor(string outputDirectory) =>
        BatchesDirectoryOf(_document.OutputDir?.Template.Source ?? "out/{name}", System.IO.Path.GetFullPath(outputDirectory));

    private static string BatchesDirectoryOf(string template, string outputDirectory)
    {
        var segments = template.Replace('\\', '/').TrimEnd('/').Split('/');
        var dated = Array.FindIndex(segments, s => BatchTime.Variables.Any(v => s.Contains('{' + v + '}', StringComparison.Ordinal)));
        if (dated < 0)
        {
            return System.IO.Path.GetDirectoryName(outputDirectory) ?? outputDirectory;
        }

        // The rendered directory has as many trailing segments after the dated one as the template.
        var up = segments.Length - dated;
        var dir = System.IO.Path.TrimEndingDirectorySeparator(outputDirectory);
        for (var i = 0; i < up; i++)
        {
            dir = System.IO.Path.GetDirectoryName(dir) ?? dir;
        }

        return dir;
    }

    /// <summary>Settings of all five providers: defaults, then the providers file, then the manifest's section.</summary>
    public IReadOnlyDictionary<string, ProviderSettings> Providers { get; }

    /// <summary>Names of the axes and variables in declared order (matrix, zip, rows, then include keys).</summary>
    public IReadOnlyList<string> Axes { get; }

    /// <summary>Number of jobs after exclude, include, repeat and de-duplication.</summary>
    public long JobCount { get; }

    /// <summary>
    /// Why the jobs cannot be written under <paramref name="outputDirectory"/> (another <c>--out</c> than the manifest's),
    /// or null: the longest video path must fit the file system's limits, and no symbolic link inside an existing
    /// directory may lead out of it. Checked before anything is paid.
    /// </summary>
    public string? OutputDirectoryProblem(string outputDirectory) =>
        OutputLocation.Problem(System.IO.Path.GetFullPath(outputDirectory), _document.MaxOutputPathBytes);

    /// <summary>Streams the validated jobs; ids are unique. Re-enumerable, same order every time.</summary>
    public IEnumerable<JobSpec> Jobs() => Enumerate(_document, _filename, Name, _deduplicate, new DiagnosticBag());

    /// <summary>
    /// Streams the jobs once, as <see cref="Jobs"/>, then lets the manifest's rows go (a run's ledger sync: from then
    /// on the jobs come from the ledger, and a 100,000-row CSV no longer holds its cell texts, about 17 MB, for the whole run). Any
    /// later expansion of this manifest throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public IEnumerable<JobSpec> JobsThenRelease()
    {
        foreach (var job in Jobs())
        {
            yield return job;
        }

        _document.ReleaseRows();
    }

    /// <summary>
    /// Streams the jobs. <paramref name="idsFor"/> jobs get their real id (all by default); later ones carry
    /// <see cref="JobBuilder.PlaceholderId"/> unless ids are needed to collapse duplicates (validation-only passes and
    /// callers that look at the first few jobs only, such as <c>plan</c> without <c>--all</c>).
    /// <paramref name="validateOnly"/>: see <see cref="JobBuilder.ValidateOnly"/> (ignored when duplicates are collapsed).
    /// </summary>
    internal static IEnumerable<JobSpec> Enumerate(ManifestDocument document, Template filename, string name, bool deduplicate, DiagnosticBag bag, Action<JobSpec>? onDuplicate = null, long idsFor = long.MaxValue, bool validateOnly = false)
    {
        if (document.RowsReleased)
        {
            throw new InvalidOperationException($"{document.File}: the manifest's rows were released after the ledger sync; load it again to expand its jobs");
        }

        var builder = new JobBuilder(document, filename, name, idsFor > 0 || deduplicate) { ValidateOnly = validateOnly && !deduplicate };
        var seen = deduplicate ? new HashSet<ulong>() : null;
        var jobs = new List<JobSpec>(document.Repeat);
        long yielded = 0;
        foreach (var combination in new Grid(document).Enumerate())
        {
            jobs.Clear();
            builder.Build(combination, bag, jobs);
            foreach (var job in jobs)
            {
                if (seen is not null && !seen.Add(Convert.ToUInt64(job.Id, 16)))
                {
                    onDuplicate?.Invoke(job);
                    continue;
                }

                yield return job;
                if (++yielded >= idsFor && !deduplicate)
                {
                    builder.ComputeIds = false;
                }
            }
        }
    }

    /// <summary>Jobs where only the first <paramref name="withIds"/> carry their id (the rest a placeholder): for summaries.</summary>
    internal IEnumerable<JobSpec> JobsWithIdsFor(long withIds) => Enumerate(_document, _filename, Name, _deduplicate, new DiagnosticBag(), idsFor: withIds);
}
