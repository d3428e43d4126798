namespace BatchGen.Core.Storage;

/// <summary>
/// <c>output.store</c> and its settings: each verified video is uploaded there; <see cref="KeepLocal"/> keeps or
/// deletes the local copy once the stored object is checked; reports link with presigned URLs valid for
/// <see cref="LinkLifetime"/> (unless the bucket has a public base URL).
/// </summary>
public sealed record OutputStoreOptions(S3StoreSettings Store)
{
    /// <summary><c>output.keep_local</c>, default true.</summary>
    public bool KeepLocal { get; init; } = true;

    /// <summary><c>output.link_lifetime</c>, default 7 days.</summary>
    public TimeSpan LinkLifetime { get; init; } = S3StoreDefaults.LinkLifetime;
}
