namespace BatchGen.Core.Manifests;

/// <summary>The outcome of <see cref="ManifestLoader.Load"/>: a manifest, or every error found, plus warnings.</summary>
public sealed class ManifestLoadResult
{
    internal ManifestLoadResult(Manifest? manifest, IReadOnlyList<Diagnostic> errors, IReadOnlyList<Diagnostic> warnings)
    {
        Manifest = errors.Count == 0 ? manifest : null;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>Null when there are errors.</summary>
    public Manifest? Manifest { get; }

    public IReadOnlyList<Diagnostic> Errors { get; }

    /// <summary>Non-fatal findings, e.g. duplicate combinations collapsed, a combination without a price.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    public bool Success => Errors.Count == 0;
}
