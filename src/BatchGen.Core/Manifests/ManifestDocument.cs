using BatchGen.Core.Manifests.Expansion;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests;

/// <summary>A manifest read from YAML or CSV, before expansion: the same model for both readers.</summary>
internal sealed class ManifestDocument
{
    public required string File { get; init; }

    public required string FullPath { get; init; }

    public KeyTable Keys { get; } = new();

    public string? Name { get; set; }

    /// <summary>Where <see cref="Name"/> was written (the file's start when it comes from the file name).</summary>
    public SourceMark? NameMark { get; set; }

    /// <summary>The longest rendered output path seen so far, in UTF-8 bytes (set while jobs are built).</summary>
    public int MaxOutputPathBytes { get; set; }

    public List<Pair> Defaults { get; } = [];

    public List<Axis> Axes { get; } = [];

    public List<PartialEntry> Excludes { get; } = [];

    public List<PartialEntry> Includes { get; } = [];

    public int Repeat { get; set; } = 1;

    public (Template Template, SourceMark Mark)? OutputDir { get; set; }

    public (Template Template, SourceMark Mark)? OutputFilename { get; set; }

    public decimal? MaxCost { get; set; }

    /// <summary><c>image_store:</c>, when given and valid.</summary>
    public Storage.S3StoreSettings? ImageStore { get; set; }

    /// <summary><c>output.store</c> with <c>keep_local</c> and <c>link_lifetime</c>, when given and valid.</summary>
    public Storage.OutputStoreOptions? OutputStore { get; set; }

    /// <summary><c>verify: deep</c>: decode every saved video with ffmpeg.</summary>
    public bool DeepVerify { get; set; }

    /// <summary><c>budget.max_cost_per_day</c> and <c>budget.max_cost_per_month</c>.</summary>
    public decimal? MaxCostPerDay { get; set; }

    public decimal? MaxCostPerMonth { get; set; }

    /// <summary><c>timezone:</c> with its mark.</summary>
    public (string Id, SourceMark Mark)? TimeZone { get; set; }

    /// <summary><c>notify:</c> URLs.</summary>
    public List<string> Notify { get; } = [];

    /// <summary>When the batch's names are rendered for ({date}, {time}, {datetime}), in its time zone. Set by the loader.</summary>
    public BatchTime Time { get; set; } = BatchTime.Now(TimeZoneInfo.Utc, TimeProvider.System.GetUtcNow());

    /// <summary>The manifest's <c>providers:</c> section, applied over the defaults and the providers file.</summary>
    public YamlMappingNode? Providers { get; set; }

    /// <summary>The manifest's <c>webhook:</c> section, applied over the providers file's.</summary>
    public YamlNode? Webhook { get; set; }

    public SourceMark Start => new(File, 1, 1);

    /// <summary>The distinct image URLs and their providers, for the remote image pre-flight (filled while validating).</summary>
    public Images.RemoteImages RemoteImages { get; } = new();

    /// <summary>Where the first <c>image:</c> value was written (the place a missing image_store is reported).</summary>
    public SourceMark? FirstImageMark { get; set; }

    /// <summary>
    /// A whole job source (defaults, matrix, zip, a zip group, include or exclude, rows) was reported as malformed:
    /// the grid is unknown, so the per-job rules are not run (they would report what the malformed section hides).
    /// </summary>
    public bool SourceRejected { get; set; }

    /// <summary>Some value is <see cref="FieldValue.IsRejected"/>: combinations holding one make no job and skip the rules on it.</summary>
    public bool HasRejected { get; set; }

    /// <summary><see cref="ReleaseRows"/> was called: the grid is gone and no job can be expanded any more.</summary>
    public bool RowsReleased { get; private set; }

    /// <summary>
    /// Drops the grid (axes, CSV rows, include and exclude entries; a large CSV's cell texts take about 0.17 KB per
    /// row), which a run no longer needs once its jobs are in the ledger. Everything else (name, output, providers,
    /// axis names) stays.
    /// </summary>
    public void ReleaseRows()
    {
        Axes.Clear();
        Axes.TrimExcess();
        Includes.Clear();
        Excludes.Clear();
        RowsReleased = true;
    }
}
