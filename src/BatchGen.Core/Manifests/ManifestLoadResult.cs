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

    /// <summary>This result with later findings added (the remote image pre-flight): any error drops the manifest.</summary>
    public ManifestLoadResult With(IReadOnlyList<Diagnostic> errors, IReadOnlyList<Diagnostic> warnings) =>
        errors.Count == 0 && warnings.Count == 0 ? this : new ManifestLoadResult(Manifest, [.. Errors, .. errors], [.. Warnings, .. warnings]);
}
