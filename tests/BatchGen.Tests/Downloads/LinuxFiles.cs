using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace BatchGen.Tests.Downloads;

/// <summary>The Linux facts the direct-write tests observe: pages of a file in the page cache, file system types, a ramfs mount.</summary>
internal static partial class LinuxFiles
{
    public const long TmpfsMagic = 0x01021994;
    public const long RamfsMagic = 0x858458f6;

    private const int PageSize = 4096;
    private const int DetachMount = 2;

    /// <summary>Whether this process runs as root (mounting a ramfs needs it).</summary>
    public static bool IsRoot { get; } = File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];

    /// <summary>Whether a ramfs can be mounted here (root, and allowed to mount: not in a container without the capability); tried once.</summary>
    public static bool CanMountRamfs => s_canMountRamfs.Value;

    private static readonly Lazy<bool> s_canMountRamfs = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !IsRoot)
        {
            return false;
        }

        var probe = Path.Combine(Path.GetTempPath(), "batchgen-ramfs-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            if (Mount("ramfs", probe, "ramfs", 0, null) != 0)
            {
                return false;
            }

            Unmount(probe);
            return true;
        }
        finally
        {
            Directory.Delete(probe);
        }
    });

    /// <summary>How many of the file's pages are in the page cache (<c>mincore</c> on a mapping, which faults nothing in).</summary>
    public static unsafe int ResidentPages(string path)
    {
        var length = new FileInfo(path).Length;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        try
        {
            var pages = (int)((length + PageSize - 1) / PageSize);
            var vector = new byte[pages];
            // The view starts at the page holding offset 0: the mapping itself is page-aligned.
            var address = (nint)(start + view.PointerOffset) & ~(nint)(PageSize - 1);
            if (MinCore(address, (nuint)length, vector) != 0)
            {
                throw new IOException($"mincore failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return vector.Count(v => (v & 1) != 0);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>The file system type (<c>statfs</c>'s <c>f_type</c>, the first field on 64-bit Linux) of <paramref name="path"/>.</summary>
    public static long FileSystemType(string path)
    {
        var buffer = new long[32];
        if (StatFs(path, buffer) != 0)
        {
            throw new IOException($"statfs {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return buffer[0] & 0xFFFFFFFF;
    }

    /// <summary>Mounts a ramfs (a file system that refuses <c>O_DIRECT</c> at open) on <paramref name="directory"/>; root only.</summary>
    public static void MountRamfs(string directory)
    {
        if (Mount("ramfs", directory, "ramfs", 0, null) != 0)
        {
            throw new IOException($"mount ramfs on {directory} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static void Unmount(string directory) => _ = Umount2(directory, DetachMount);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static partial int MinCore(nint address, nuint length, [Out] byte[] vector);

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatFs(string path, [Out] long[] buffer);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string type, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}

/// <summary>A fact that mounts a ramfs: skipped, and said so, where this process may not mount one (not root on Linux).</summary>
internal sealed class RamfsFactAttribute : FactAttribute
{
    public RamfsFactAttribute()
    {
        if (!LinuxFiles.CanMountRamfs)
        {
            Skip = "needs to mount a ramfs (root on Linux, allowed to mount)";
        }
    }
}
