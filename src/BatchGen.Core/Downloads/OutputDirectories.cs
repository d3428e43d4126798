using System.Collections.Concurrent;
using BatchGen.Core.Ledger;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The output directories of one downloader, checked once and then held open (Linux), so writing a video costs a few
/// system calls on names inside its directory instead of a walk of every component of its path, twice.
/// <para>
/// A directory is taken the first time it is used: the full check of <see cref="OutputPaths.Resolve"/> (no link
/// leading out), created when missing, then opened one component at a time from the output directory with
/// <c>O_NOFOLLOW</c> (any symbolic link on the way, even one staying inside, leaves that directory to the path-based
/// code, which judges links). Before each file the chain is checked again, one <c>fstatat</c> (no link followed) per
/// level: every component must still be the very directory that was opened. A directory replaced by a link, moved
/// or removed since is taken again (and a link leading out is then refused by the full check), so a link swapped in
/// mid-run never makes a write land outside. Files are then opened with <c>O_NOFOLLOW</c> and renamed with
/// <c>renameat</c>, which never follow a link at the file's own name.
/// </para>
/// Handles are closed with their <see cref="SafeFileHandle"/> (at the latest when collected): a downloader lives for a run,
/// and holds at most <see cref="MaxHeld"/> directories per output directory.
/// </summary>
internal sealed class OutputDirectories
{
    /// <summary>Directories held open per output directory; a template that makes a directory per video leaves the rest to the path-based code.</summary>
    public const int MaxHeld = 256;

    private readonly ConcurrentDictionary<string, Root> _roots = new(StringComparer.Ordinal);

    /// <summary>Where the file for <paramref name="relativePath"/> goes, or null when the path-based code must handle it.</summary>
    public OutputPlace? TryPlace(string outputDirectory, string relativePath)
    {
        if (!PosixFiles.Supported || !OutputPaths.TrySanitize(relativePath, out var relative, out _))
        {
            return null;
        }

        try
        {
            if (!_roots.TryGetValue(outputDirectory, out var root))
            {
                if (Root.Open(outputDirectory) is not { } opened)
                {
                    return null;
                }

                root = _roots.GetOrAdd(outputDirectory, opened);
            }

            var slash = relative.LastIndexOf('/');
            var directory = root.Get(slash < 0 ? string.Empty : relative[..slash], relative);
            return directory is null
                ? null
                : new OutputPlace(relative, root.FullPath + "/" + relative, directory, slash < 0 ? relative : relative[(slash + 1)..]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Notes that the directory of <paramref name="relativePath"/> may now hold a <c>.unverified.mp4</c> file.</summary>
    public void NoteUnverified(string outputDirectory, string relativePath)
    {
        if (_roots.TryGetValue(outputDirectory, out var root))
        {
            var slash = relativePath.LastIndexOf('/');
            root.NoteUnverified(slash < 0 ? string.Empty : relativePath[..slash]);
        }
    }

    /// <summary>The output directory itself and the directories under it taken so far.</summary>
    private sealed class Root
    {
        private readonly ConcurrentDictionary<string, HeldDirectory> _directories = new(StringComparer.Ordinal);
        private readonly string _outputDirectory;
        private readonly HeldDirectory _self;

        private Root(string outputDirectory, string fullPath, HeldDirectory self)
        {
            _outputDirectory = outputDirectory;
            FullPath = fullPath;
            _self = self;
        }

        public string FullPath { get; }

        public static Root? Open(string outputDirectory)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory));
            Directory.CreateDirectory(full);
            var handle = DirectoryCalls.OpenDirectory(OutputPaths.RealPath(full), out _);
            if (handle is null || PosixFiles.Stat(handle) is not { } identity)
            {
                handle?.Dispose();
                return null;
            }

            return new Root(outputDirectory, full, new HeldDirectory(handle, null, string.Empty, identity.Device, identity.Inode, HoldsUnverified(full)));
        }

        /// <summary>The held directory <paramref name="relative"/> (empty: the output directory), checked for this file.</summary>
        public HeldDirectory? Get(string relative, string fileRelative)
        {
            if (relative.Length == 0)
            {
                return _self;
            }

            if (_directories.TryGetValue(relative, out var held) && held.StillInPlace())
            {
                return held;
            }

            // First use, or the chain changed: the full check (links followed), then a walk that refuses every link.
            OutputPaths.Resolve(_outputDirectory, fileRelative);
            var full = FullPath + "/" + relative;
            Directory.CreateDirectory(full);
            var parent = _self;
            var prefix = string.Empty;
            foreach (var name in relative.Split('/'))
            {
                prefix = prefix.Length == 0 ? name : prefix + "/" + name;
                if (_directories.TryGetValue(prefix, out var known) && known.Parent == parent && known.StillInPlace())
                {
                    parent = known;
                    continue;
                }

                if (_directories.Count >= MaxHeld && !_directories.ContainsKey(prefix))
                {
                    return null;
                }

                var handle = DirectoryCalls.OpenChildDirectory(parent.Handle, name, out _);
                if (handle is null || PosixFiles.Stat(handle) is not { } identity)
                {
                    handle?.Dispose();
                    return null;
                }

                var opened = new HeldDirectory(handle, parent, name, identity.Device, identity.Inode, HoldsUnverified(FullPath + "/" + prefix));
                _directories[prefix] = opened;
                parent = opened;
            }

            return parent;
        }

        public void NoteUnverified(string relative)
        {
            if (relative.Length == 0)
            {
                _self.MayHoldUnverified = true;
            }
            else if (_directories.TryGetValue(relative, out var held))
            {
                held.MayHoldUnverified = true;
            }
        }

        /// <summary>Whether an earlier run left a <c>.unverified.mp4</c> file here (one directory read, when it is taken).</summary>
        private static bool HoldsUnverified(string directory) =>
            Directory.EnumerateFiles(directory, "*" + VideoVerifier.UnverifiedSuffix).Any();
    }
}

/// <summary>A directory held open, with the identity it had when opened and its place under its parent.</summary>
internal sealed class HeldDirectory(SafeFileHandle handle, HeldDirectory? parent, string entryName, ulong device, ulong inode, bool mayHoldUnverified)
{
    private volatile bool _mayHoldUnverified = mayHoldUnverified;

    public SafeFileHandle Handle { get; } = handle;

    public HeldDirectory? Parent { get; } = parent;

    /// <summary>Whether this directory's file system takes direct writes (decided by its first fresh download).</summary>
    public DirectIoChoice DirectIo { get; } = new();

    /// <summary>A <c>.unverified.mp4</c> file may be here (left by an earlier run, or written by this one): only then is it removed after a good download.</summary>
    public bool MayHoldUnverified
    {
        get => _mayHoldUnverified;
        set => _mayHoldUnverified = value;
    }

    /// <summary>Every level up to the output directory is still the directory entry (not a link) it was when opened.</summary>
    public bool StillInPlace()
    {
        for (var level = this; level.Parent is { } up; level = up)
        {
            if (DirectoryCalls.DirectoryEntry(up.Handle, level.EntryName) != (level.Device, level.Inode))
            {
                return false;
            }
        }

        return true;
    }

    private string EntryName { get; } = entryName;

    private ulong Device { get; } = device;

    private ulong Inode { get; } = inode;
}
