namespace BatchGen.Core.Storage;

/// <summary>An object as the store reports it: key, size, ETag and the SHA-256 recorded in its metadata.</summary>
/// <param name="Key">The object key (prefix included).</param>
/// <param name="Bytes">Content length.</param>
/// <param name="ETag">The ETag without quotes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 from the object's metadata, or null when it has none.</param>
public sealed record StoredObject(string Key, long Bytes, string ETag, string? Sha256)
{
    /// <summary>True when the object is the file with this size and SHA-256.</summary>
    public bool Matches(long bytes, string sha256) =>
        Bytes == bytes && Sha256 is not null && string.Equals(Sha256, sha256, StringComparison.OrdinalIgnoreCase);
}
