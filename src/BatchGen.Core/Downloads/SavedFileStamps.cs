using System.Collections.Concurrent;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Downloads;

/// <summary>
/// A resume's look at a saved file without reading it: one <c>lstat</c> per file. The output directory and every
/// directory under it that holds files are resolved through their symbolic links once per run (not once per file), and
/// a file in a directory that leads out of the output directory, or that is itself a link, never gets a stamp here:
/// it goes to the full check (<see cref="ExistingFileCheck"/>), which follows every link and refuses an escape.
/// </summary>
internal sealed class SavedFileStamps
{
    private readonly string _root;
    private readonly Lazy<string> _realRoot;
    private readonly ConcurrentDictionary<string, bool> _directoryInside = new(StringComparer.Ordinal);

    public SavedFileStamps(string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        _root = Path.GetFullPath(outputDirectory);
        _realRoot = new Lazy<string>(() => OutputPaths.RealPath(_root), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The stamp of the regular file at <paramref name="relativePath"/>, or null when it cannot be trusted this way: a
    /// name the output rules refuse, a directory that leads out through a link, a missing file, a link or anything but a
    /// regular file, or no <c>lstat</c> on this platform.
    /// </summary>
    public FileStamp? Read(string relativePath)
    {
        if (!OutputPaths.TrySanitize(relativePath, out var sanitized, out _))
        {
            return null;
        }

        // Sanitised: relative, no "." or ".." segment, so the combined path is already full and inside the root by name.
        var full = Path.Combine(_root, sanitized.Replace('/', Path.DirectorySeparatorChar));
        var directory = Path.GetDirectoryName(full)!;
        if (!_directoryInside.GetOrAdd(directory, IsInside))
        {
            return null;
        }

        return PosixFiles.LStat(full) is { IsRegularFile: true } file
            ? new FileStamp(file.Size, file.ModifiedNs, unchecked((long)file.Inode))
            : null;
    }

    private bool IsInside(string directory)
    {
        try
        {
            return OutputPaths.IsInside(_realRoot.Value, OutputPaths.RealPath(directory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
