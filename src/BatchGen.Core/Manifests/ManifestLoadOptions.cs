namespace BatchGen.Core.Manifests;

/// <summary>Options of <see cref="ManifestLoader.Load"/>.</summary>
public sealed class ManifestLoadOptions
{
    /// <summary>Default of <see cref="MaxJobs"/>.</summary>
    public const long DefaultMaxJobs = 100_000;

    /// <summary>Optional <c>--providers FILE</c>, merged over the built-in defaults and under the manifest's <c>providers:</c>.</summary>
    public string? ProvidersFile { get; set; }

    /// <summary>A manifest that expands to more jobs is refused (the count is computed without expanding it).</summary>
    public long MaxJobs { get; set; } = DefaultMaxJobs;

    /// <summary><c>--tz</c>: the time zone of {date}, {time}, {datetime} and of the period caps, over the manifest's <c>timezone:</c>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The moment the batch's names are rendered for (now by default); a resume passes the one its ledger recorded.</summary>
    public DateTimeOffset? BatchStartUtc { get; set; }
}
