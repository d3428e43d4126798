using BatchGen.Core.Ledger;

namespace BatchGen.Core.Downloads;

/// <summary>
/// What a verified file looked like on disk: size, modification time (ns) and inode. A resume trusts a file whose
/// stamp still matches the one recorded when it was verified, without reading a byte of it; anything else (edited,
/// replaced, truncated, restored from a copy) is verified again. Inode 0 means "not known" (not Linux).
/// </summary>
public readonly record struct FileStamp(long Size, long ModifiedNs, long Inode)
{
    /// <summary>The stamp of the file at <paramref name="fullPath"/>, or null when it is missing or cannot be read.</summary>
    public static FileStamp? Read(string fullPath)
    {
        if (PosixFiles.Stat(fullPath) is { } identity)
        {
            return new FileStamp(identity.Size, identity.ModifiedNs, unchecked((long)identity.Inode));
        }

        var info = new FileInfo(fullPath);
        return info.Exists
            ? new FileStamp(info.Length, (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100, 0)
            : null;
    }
}
