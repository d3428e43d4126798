namespace BatchGen.Core.Manifests.Limits;

/// <summary>
/// Bounds on what the loader reads, so that no input (hostile or careless) can crash it, exhaust memory or run for
/// minutes. Each limit is reported as a diagnostic naming the file, line and column, and is listed in docs/manifest.md.
/// </summary>
internal static class ManifestLimits
{
    /// <summary>Largest YAML manifest or providers file, in bytes.</summary>
    public const int MaxYamlBytes = 4 * 1024 * 1024;

    /// <summary>Largest CSV file (a CSV manifest or a <c>rows:</c> file), in bytes.</summary>
    public const int MaxCsvBytes = 32 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists, aliases expanded.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most YAML nodes in one file, counting every alias as the nodes it stands for.</summary>
    public const int MaxNodes = 200_000;

    /// <summary>Longest single value (a YAML scalar, a key or a CSV cell), in characters.</summary>
    public const int MaxValueChars = 64 * 1024;

    /// <summary>Most <c>{placeholders}</c> in one template.</summary>
    public const int MaxPlaceholders = 256;

    /// <summary>Longest rendered template (a prompt after its placeholders are filled in), in characters.</summary>
    public const int MaxRenderedChars = 64 * 1024;
}
