using System.Runtime.InteropServices;

namespace BatchGen.Core.Downloads;

/// <summary>
/// Writing fresh downloads with <c>O_DIRECT</c>: whole aligned blocks go from the receive buffer to the disk without
/// the kernel first copying them into new page-cache pages (on a virtual machine that copy was the largest single
/// cost of a job with a real video, and a sweep of tens of GB would otherwise push the user's own files out of the
/// cache). Linux on x64 or arm64 only; <c>BATCHGEN_DIRECT_IO=0</c> turns it off (every write through the page cache,
/// as before).
/// </summary>
internal static class DirectIo
{
    /// <summary>Buffer address, length and file offset of a direct write are multiples of this (a page: a multiple of every common logical block size).</summary>
    public const int Alignment = 4096;

    /// <summary>The errno a file system answers when it does not do direct I/O (at open, or at the first write).</summary>
    public const int EInval = 22;

    /// <summary>The environment variable that turns direct writes off (value <c>0</c>).</summary>
    public const string SwitchVariable = "BATCHGEN_DIRECT_IO";

    /// <summary>The open flag, which differs between x64 and arm64; 0 where it is not known.</summary>
    public static readonly int OpenFlag = !Ledger.PosixFiles.Supported ? 0 : RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    /// <summary>Whether direct writes may be tried at all in this process.</summary>
    public static bool Enabled { get; } = OpenFlag != 0 && Environment.GetEnvironmentVariable(SwitchVariable) != "0";

    /// <summary>Whether <paramref name="value"/> (an address, a length, an offset) is a multiple of <see cref="Alignment"/>.</summary>
    public static bool IsAligned(long value) => (value & (Alignment - 1)) == 0;
}

/// <summary>
/// Whether the file system of one held output directory takes direct writes: tried by its first fresh download,
/// then remembered for the run. Refused (<c>EINVAL</c> at open or at a write: ramfs, tmpfs before Linux 6.6, some FUSE
/// and network file systems) is final; the download that found out goes on buffered and nothing fails because of it.
/// </summary>
internal sealed class DirectIoChoice
{
    private const int Unknown = 0;
    private const int Works = 1;
    private const int Refused = 2;

    private int _state;

    /// <summary>Whether a fresh part file here should be opened for direct writes.</summary>
    public bool Wanted => DirectIo.Enabled && Volatile.Read(ref _state) != Refused;

    /// <summary>A direct write succeeded here.</summary>
    public bool Worked => Volatile.Read(ref _state) == Works;

    /// <summary>This file system refused direct I/O: buffered writes here from now on.</summary>
    public bool WasRefused => Volatile.Read(ref _state) == Refused;

    public void NoteWorked() => Interlocked.CompareExchange(ref _state, Works, Unknown);

    public void NoteRefused() => Volatile.Write(ref _state, Refused);
}
