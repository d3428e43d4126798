using BatchGen.Core.Ledger;
using BatchGen.Core.Storage;

namespace BatchGen.Core.Reports;

/// <summary>
/// Links from reports to the videos in the output store: the bucket's public URL, else presigned GETs that expire at
/// <see cref="ExpiresAt"/> (stated in the reports). A link that cannot be made (no credentials to sign with) is left
/// out and <see cref="Problem"/> says why.
/// </summary>
public sealed class ObjectLinks
{
    private readonly Func<string, Uri> _link;

    public ObjectLinks(Func<string, Uri> link, DateTimeOffset? expiresAt)
    {
        _link = link;
        ExpiresAt = expiresAt;
    }

    /// <summary>When the presigned links stop working; null for public links.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The first reason a link could not be made, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Links for <paramref name="store"/>: public, else presigned for <paramref name="lifetime"/> from now.</summary>
    public static ObjectLinks For(S3ObjectStore store, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        return new ObjectLinks(key => store.LinkFor(key, lifetime), store.Settings.PublicBaseUrl is null ? time.GetUtcNow() + lifetime : null);
    }

    /// <summary>The link of <paramref name="output"/>'s stored object, or null when it has none.</summary>
    public string? For(LedgerOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.ObjectKey is not { } key)
        {
            return null;
        }

        try
        {
            return _link(key).AbsoluteUri;
        }
        catch (StorageException ex)
        {
            Problem ??= ex.Message;
            return null;
        }
    }

    /// <summary>The link of the job's first output, or null.</summary>
    internal string? First(LedgerJob job) => job.Outputs.FirstOrDefault(o => o.Index == 1) is { } first ? For(first) : null;

    /// <summary>"until 2026-12-05T20:00:00Z" or "public" for the reports.</summary>
    internal string ExpiresText => ExpiresAt is { } at ? ReportFormat.Time(at) : string.Empty;
}
