using System.Runtime.InteropServices;
using BatchGen.Core.Ledger;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The Linux calls relative to an open directory (<c>openat</c>, <c>fstatat</c>, <c>renameat</c>, <c>unlinkat</c>)
/// that .NET does not expose, plus <c>flock</c>. Used by <see cref="OutputDirectories"/> so that writing a video
/// costs a few system calls on names inside a directory checked once, instead of walking its whole path per file.
/// Only where <see cref="PosixFiles.Supported"/> (Linux on x64 or arm64); elsewhere the path-based code runs.
/// </summary>
internal static partial class DirectoryCalls
{
    public const int ENoEnt = 2;
    public const int EExist = 17;
    private const int EIntr = 4;

    private const int ORdOnly = 0;
    private const int ORdWr = 2;
    private const int OCreat = 0x40;
    private const int OExclusive = 0x80;
    private const int OTrunc = 0x200;
    private const int OCloExec = 0x80000;
    private const int FSetFl = 4;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const uint NewFileMode = 0x1B6; // 0666, less the umask, as .NET creates files

    private static readonly bool s_arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    // O_DIRECTORY and O_NOFOLLOW differ between x64 and arm64.
    private static readonly int s_oDirectory = s_arm ? 0x4000 : 0x10000;
    private static readonly int s_oNoFollow = s_arm ? 0x8000 : 0x20000;

    /// <summary>How <see cref="OpenFileExclusive"/> treats a file already there.</summary>
    public enum CreateMode
    {
        /// <summary>Fails with <see cref="EExist"/>.</summary>
        New,

        /// <summary>Emptied.</summary>
        Truncate,

        /// <summary>Kept as it is.</summary>
        Keep,
    }

    /// <summary>Opens a directory (by full path; links in it are followed). Null with the errno when it cannot be.</summary>
    public static SafeFileHandle? OpenDirectory(string path, out int errno) =>
        Open(-100, path, ORdOnly | s_oDirectory | OCloExec, 0, out errno);

    /// <summary>Opens the directory <paramref name="name"/> inside <paramref name="parent"/>, refusing a symbolic link.</summary>
    public static SafeFileHandle? OpenChildDirectory(SafeFileHandle parent, string name, out int errno) =>
        Open(Fd(parent), name, ORdOnly | s_oDirectory | s_oNoFollow | OCloExec, 0, out errno, parent);

    /// <summary>
    /// Opens (or creates) the regular file <paramref name="name"/> in <paramref name="directory"/> for reading and
    /// writing, refusing a symbolic link, and takes an exclusive non-blocking <c>flock</c> on it (what .NET's
    /// <c>FileShare.None</c> takes, so the path-based code and this one exclude each other). Null when either fails.
    /// </summary>
    /// <param name="direct">Also <c>O_DIRECT</c> (<see cref="DirectIo"/>); a file system that does not do it answers <see cref="DirectIo.EInval"/>.</param>
    public static SafeFileHandle? OpenFileExclusive(SafeFileHandle directory, string name, CreateMode create, bool direct, out int errno)
    {
        var flags = ORdWr | OCreat | s_oNoFollow | OCloExec | (direct ? DirectIo.OpenFlag : 0) | create switch
        {
            CreateMode.New => OExclusive,
            CreateMode.Truncate => OTrunc,
            _ => 0,
        };
        var handle = Open(Fd(directory), name, flags, NewFileMode, out errno, directory);
        if (handle is null)
        {
            return null;
        }

        if (Flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>Device and inode of the entry <paramref name="name"/> in <paramref name="parent"/> when it is a directory itself (not a link); null otherwise.</summary>
    public static (ulong Device, ulong Inode)? DirectoryEntry(SafeFileHandle parent, string name) =>
        PosixFiles.StatAt(parent, name) is { IsDirectory: true } entry ? (entry.Device, entry.Inode) : null;

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, both in <paramref name="directory"/> (a link at <paramref name="to"/> is replaced, never followed).</summary>
    public static void Rename(SafeFileHandle directory, string from, string to)
    {
        var fd = Fd(directory);
        try
        {
            if (RenameAt(fd, from, fd, to) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), to);
            }
        }
        finally
        {
            directory.DangerousRelease();
        }
    }

    /// <summary>Removes the file <paramref name="name"/> in <paramref name="directory"/>; nothing there is fine.</summary>
    public static void DeleteFile(SafeFileHandle directory, string name)
    {
        var fd = Fd(directory);
        try
        {
            if (UnlinkAt(fd, name, 0) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != ENoEnt)
            {
                throw Error(errno, name);
            }
        }
        finally
        {
            directory.DangerousRelease();
        }
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> at <paramref name="offset"/> (<c>pwrite</c>, repeated on a short write or
    /// an interrupted call): what <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/> does, without
    /// the <c>lseek</c> it makes first on a handle it did not open itself.
    /// </summary>
    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset, string name)
    {
        for (var done = 0; done < data.Length;)
        {
            var written = TryWrite(file, data[done..], offset + done, out var errno);
            if (written < 0)
            {
                throw Error(errno, name);
            }

            done += (int)written;
        }
    }

    /// <summary>
    /// One <c>pwrite</c> of <paramref name="data"/> at <paramref name="offset"/> (repeated only when interrupted): the bytes
    /// written, which may be fewer than asked, or -1 with the errno. <see cref="Write"/> repeats it until all is written;
    /// direct writes call it themselves and decide what a short write or a refusal means.
    /// </summary>
    public static unsafe nint TryWrite(SafeFileHandle file, ReadOnlySpan<byte> data, long offset, out int errno)
    {
        var fd = Fd(file);
        try
        {
            fixed (byte* start = data)
            {
                while (true)
                {
                    var written = PWrite(fd, start, data.Length, offset);
                    errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (errno != EIntr)
                    {
                        return written;
                    }
                }
            }
        }
        finally
        {
            file.DangerousRelease();
        }
    }

    /// <summary>Takes <c>O_DIRECT</c> off an open file (<c>fcntl(F_SETFL)</c>; the file's other status flags here are none): its next writes go through the page cache.</summary>
    public static void LeaveDirect(SafeFileHandle file, string name)
    {
        var fd = Fd(file);
        try
        {
            if (FcntlSetFlags(fd, FSetFl, 0) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), name);
            }
        }
        finally
        {
            file.DangerousRelease();
        }
    }

    /// <summary>fsync: the file's data and size reach the disk (what <see cref="RandomAccess.FlushToDisk"/> does, without its <c>lseek</c>).</summary>
    public static void Sync(SafeFileHandle file, string name)
    {
        var fd = Fd(file);
        try
        {
            int errno;
            while (FSync(fd) != 0)
            {
                if ((errno = Marshal.GetLastPInvokeError()) != EIntr)
                {
                    throw Error(errno, name);
                }
            }
        }
        finally
        {
            file.DangerousRelease();
        }
    }

    /// <summary>An <see cref="IOException"/> for a failed call, with the system's own words.</summary>
    public static IOException Error(int errno, string name) =>
        new($"{name}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    /// <summary>The raw descriptor, with a reference taken (released by the caller, or by <see cref="Open"/>).</summary>
    private static int Fd(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        return (int)handle.DangerousGetHandle();
    }

    private static SafeFileHandle? Open(int directoryFd, string path, int flags, uint mode, out int errno, SafeFileHandle? referenced = null)
    {
        try
        {
            var fd = OpenAt(directoryFd, path, flags, mode);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            referenced?.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directoryFd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlSetFlags(int fd, int command, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(int fromDirectoryFd, string from, int toDirectoryFd, string to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int directoryFd, string path, int flags);
}
