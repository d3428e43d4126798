namespace BatchGen.Core.Ledger;

/// <summary>
/// One output file of a job (a provider may return several videos for one task, e.g. Pixwith <c>num_outputs</c>).
/// Index 1 is the job's own path; index N &gt; 1 is saved beside it as <c>name-N.mp4</c>. Null fields leave the
/// recorded value unchanged when written.
/// </summary>
public sealed record LedgerOutput
{
    /// <summary>1-based position in the provider's result list.</summary>
    public required int Index { get; init; }

    /// <summary>The provider's (possibly signed, expiring) URL for this output. Never printed.</summary>
    public string? ResultUrl { get; init; }

    /// <summary>Relative to the output directory.</summary>
    public string? FilePath { get; init; }

    public long? Bytes { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>Frame size and duration read from the file itself (null until recorded).</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    public double? DurationSeconds { get; init; }

    /// <summary>The file's modification time (ns since the epoch) when it was last verified; with <see cref="Bytes"/> and <see cref="FileInode"/> it lets a resume trust the file without reading it.</summary>
    public long? FileModifiedNs { get; init; }

    /// <summary>The file's inode when it was last verified (0 where the platform gives none).</summary>
    public long? FileInode { get; init; }

    /// <summary>The stamp recorded at the last verification, or null when none is (older ledgers, unsaved outputs).</summary>
    public Downloads.FileStamp? Stamp => Bytes is { } size && FileModifiedNs is { } modified && FileInode is { } inode
        ? new Downloads.FileStamp(size, modified, inode)
        : null;

    /// <summary>The object key in the output store (<c>output.store</c>), once uploaded and checked.</summary>
    public string? ObjectKey { get; init; }

    /// <summary>The stored object as <c>s3://bucket/key</c> (links in reports are made from it when they are written).</summary>
    public string? ObjectUrl { get; init; }

    /// <summary>When the object was uploaded and checked.</summary>
    public DateTimeOffset? StoredAt { get; init; }

    /// <summary>True when the file is recorded as downloaded and verified.</summary>
    public bool IsSaved => FilePath is not null && Sha256 is not null;
}
