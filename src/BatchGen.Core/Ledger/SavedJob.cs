using BatchGen.Core.Downloads;

namespace BatchGen.Core.Ledger;

/// <summary>One recorded output file of a succeeded job: where it is and what it looked like when it was verified.</summary>
/// <param name="Index">1-based output index.</param>
/// <param name="FilePath">Relative to the output directory; null when no file is recorded.</param>
/// <param name="Stamp">Size, modification time and inode at the last verification; null when not recorded.</param>
/// <param name="HasSha256">True when the file's SHA-256 is recorded (a file is trusted unread only then).</param>
public readonly record struct SavedOutput(int Index, string? FilePath, FileStamp? Stamp, bool HasSha256);

/// <summary>A succeeded job as a resume checks it: its id and its recorded output files (empty when none is recorded).</summary>
public sealed record SavedJob(string Id, IReadOnlyList<SavedOutput> Outputs)
{
    /// <summary>From a whole row (a job without output records has none: the resume then checks it the long way).</summary>
    public static SavedJob Of(LedgerJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var outputs = job.Outputs.Select(o => new SavedOutput(o.Index, o.FilePath, o.Stamp, o.Sha256 is not null)).ToList();
        return new SavedJob(job.Id, outputs);
    }
}
