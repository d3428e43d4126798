namespace BatchGen.Core.Jobs;

/// <summary>One expanded, validated job: what to ask which provider for, and where its video goes.</summary>
public sealed record JobSpec
{
    /// <summary>
    /// Deterministic short hash (16 lowercase hex chars) of the provider, the normalized parameters and the
    /// replicate index. The resume key of the run engine and the Idempotency-Key of every submit.
    /// </summary>
    public required string Id { get; init; }

    /// <summary>One of <see cref="ProviderNames.All"/>.</summary>
    public required string Provider { get; init; }

    public required JobParameters Parameters { get; init; }

    /// <summary>0-based replicate index from the manifest's <c>repeat</c>.</summary>
    public int Replicate { get; init; }

    /// <summary>
    /// The combination that made this job: every axis, zip, include and row key with its value as text
    /// (job fields and template variables alike), in declared order. Reports group by these.
    /// </summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Axes { get; init; }

    /// <summary>Output file path relative to the output directory, already sanitised (no "..", not rooted).</summary>
    public required string OutputPath { get; init; }
}
