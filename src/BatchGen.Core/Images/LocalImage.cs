namespace BatchGen.Core.Images;

/// <summary>
/// A first frame read from a local file (<c>image:</c> in a manifest). The job id depends on <see cref="Sha256"/>
/// only, so moving the folder changes no job and editing the file makes a new one. <see cref="Path"/> is where it
/// is now (refreshed in the ledger on every run); <see cref="Display"/> is how the manifest names it.
/// </summary>
public sealed record LocalImage
{
    /// <summary>Full path of the file.</summary>
    public required string Path { get; init; }

    /// <summary>The path as written in the manifest, relative to it, with forward slashes.</summary>
    public required string Display { get; init; }

    /// <summary>Lowercase hex SHA-256 of the file's bytes.</summary>
    public required string Sha256 { get; init; }

    public required long Bytes { get; init; }

    /// <summary>What its headers say, or null when it is not a readable PNG/JPEG/WebP (reported at load).</summary>
    public ImageInfo? Info { get; init; }
}
