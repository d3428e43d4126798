using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Ledger;

/// <summary>The identity of a file: device and inode, with its size, owner and modification time (ns since the epoch) when read.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, uint Owner, long ModifiedNs = 0, uint Mode = 0)
{
    private const uint TypeMask = 0xF000;
    private const uint RegularFile = 0x8000;
    private const uint DirectoryType = 0x4000;

    /// <summary>A regular file (not a symbolic link, directory, device...), from the mode's file type bits.</summary>
    public bool IsRegularFile => (Mode & TypeMask) == RegularFile;

    /// <summary>A directory (not a symbolic link to one), from the mode's file type bits.</summary>
    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;

    public bool SameFile(FileIdentity other) => Device == other.Device && Inode == other.Inode;
}

/// <summary>
/// The few Linux calls .NET does not expose: open-file-description (OFD) record locks, which belong to one open file
/// and not to the process (so SQLite opening and closing the same file never drops them, unlike classic POSIX locks,
/// and .NET's own flock-based FileShare never meets them), and stat/fstat for inode checks.
/// </summary>
internal static partial class PosixFiles
{
    /// <summary>Far above the bytes SQLite locks (around 1 GiB): an OFD lock here never meets SQLite's own locks.</summary>
    public const long LockOffset = 1L << 46;

    private const int FOfdSetLk = 37;
    private const short FWriteLock = 1;
    private const int EAgain = 11;
    private const int AtSymlinkNoFollow = 0x100;
    private const int EAccess = 13;

    /// <summary>True where OFD locks and the stat layout used here are known (Linux on x64 or arm64).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Result of <see cref="TryLock"/>.</summary>
    public enum LockResult
    {
        Acquired,
        HeldElsewhere,
        Unsupported,
    }

    /// <summary>Takes an exclusive OFD write lock on one byte at <see cref="LockOffset"/>, without waiting.</summary>
    public static LockResult TryLock(SafeFileHandle handle)
    {
        if (!Supported)
        {
            return LockResult.Unsupported;
        }

        var request = new FLock { Type = FWriteLock, Whence = 0, Start = LockOffset, Length = 1, Pid = 0 };
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Fcntl((int)handle.DangerousGetHandle(), FOfdSetLk, ref request) == 0)
            {
                return LockResult.Acquired;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno is EAgain or EAccess ? LockResult.HeldElsewhere : LockResult.Unsupported;
        }
        catch (EntryPointNotFoundException)
        {
            return LockResult.Unsupported;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The identity of the file at <paramref name="path"/>, or null when there is none (or it cannot be read).</summary>
    public static FileIdentity? Stat(string path)
    {
        if (!Supported)
        {
            return null;
        }

        var buffer = new byte[256];
        try
        {
            return StatPath(path, ref buffer[0]) == 0 ? Parse(buffer) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// As <see cref="Stat(string)"/>, but a symbolic link is described itself, not followed (lstat): its mode says it is a
    /// link. Null when there is nothing there, or where not <see cref="Supported"/>.
    /// </summary>
    public static FileIdentity? LStat(string path)
    {
        if (!Supported)
        {
            return null;
        }

        var buffer = new byte[256];
        try
        {
            return LStatPath(path, ref buffer[0]) == 0 ? Parse(buffer) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The identity of the open file behind <paramref name="handle"/>.</summary>
    public static FileIdentity? Stat(SafeFileHandle handle)
    {
        if (!Supported)
        {
            return null;
        }

        var buffer = new byte[256];
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return StatHandle((int)handle.DangerousGetHandle(), ref buffer[0]) == 0 ? Parse(buffer) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// The entry <paramref name="name"/> in the open directory <paramref name="directory"/>, described itself when it is a
    /// symbolic link (fstatat without following). Null when there is nothing there, or where not <see cref="Supported"/>.
    /// </summary>
    public static FileIdentity? StatAt(SafeFileHandle directory, string name)
    {
        if (!Supported)
        {
            return null;
        }

        var buffer = new byte[256];
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            return StatAtPath((int)directory.DangerousGetHandle(), name, ref buffer[0], AtSymlinkNoFollow) == 0 ? Parse(buffer) : null;
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Makes the file's data durable (<c>fdatasync</c>: what reading it back needs, its size included, not its
    /// times); a full flush where that call does not exist. Throws <see cref="IOException"/> on failure.
    /// </summary>
    public static void SyncData(SafeFileHandle handle)
    {
        if (!Supported)
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (FDataSync((int)handle.DangerousGetHandle()) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The effective user id of this process (0 where unknown).</summary>
    public static uint EffectiveUser()
    {
        if (!Supported)
        {
            return 0;
        }

        try
        {
            return GetEffectiveUser();
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    // struct stat: st_dev at 0 and st_ino at 8 on both; st_mode at 24 (x64) or 16 (arm64); st_uid at 28 (x64) or 24
    // (arm64); st_size at 48 on both; st_mtim (seconds, then nanoseconds) at 88 and 96 on both.
    private static FileIdentity Parse(byte[] buffer)
    {
        var arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
        return new(
            BitConverter.ToUInt64(buffer, 0),
            BitConverter.ToUInt64(buffer, 8),
            BitConverter.ToInt64(buffer, 48),
            BitConverter.ToUInt32(buffer, arm ? 24 : 28),
            (BitConverter.ToInt64(buffer, 88) * 1_000_000_000L) + BitConverter.ToInt64(buffer, 96),
            BitConverter.ToUInt32(buffer, arm ? 16 : 24));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FLock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, ref FLock request);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatPath(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStatPath(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int StatHandle(int fd, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "fstatat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatAtPath(int directoryFd, string path, ref byte buffer, int flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUser();
}
