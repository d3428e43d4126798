using System.Security.Cryptography;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The <c>&lt;final&gt;.part</c> file a download streams into, with a running SHA-256 and MP4 box scan of everything
/// in it (one pass over the bytes: the file is never read back to be checked). Opening an existing part reads its
/// bytes first, so a resumed download still ends with the hash and box layout of the whole file.
/// <para>
/// Writes are synchronous (one <c>pwrite</c> per call, the caller hands over whole buffers): an asynchronous file write
/// on Linux is the same write handed to another thread-pool thread, which cost more CPU than the write itself. A fresh
/// part in a held directory is opened with <c>O_DIRECT</c> (<see cref="DirectIo"/>): every whole aligned block of an
/// aligned buffer at an aligned offset goes straight to the disk, and the first piece that is not (the last partial
/// block of the video, or the bytes kept at an interruption) takes <c>O_DIRECT</c> off the descriptor and is written,
/// with everything after it, through the page cache. A refusal (<c>EINVAL</c>) is noted for the directory and the same
/// bytes are written buffered. <see cref="FlushToDisk"/> makes it all durable (fsync) either way.
/// </para>
/// <para>
/// Why not pad the last block and truncate: the truncation within a block makes the file system read and zero that
/// block through the page cache anyway, and a crash between the padded write and the truncation would leave zeros
/// in a part that the next try resumes after. Why not a second, buffered descriptor: opening the name again is a
/// second lookup (the name could by then be another file) and two more system calls; one <c>fcntl</c> on the locked
/// descriptor does the same.
/// </para>
/// </summary>
internal sealed class PartFile : IDisposable
{
    private const int ReadBufferSize = 81920;

    private readonly SafeFileHandle _handle;
    private readonly Mp4BoxScanner _scanner = new();
    private readonly DirectWrite _directWrite;
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Opened here by <see cref="DirectoryCalls"/> (Linux): written with its own <c>pwrite</c>.</summary>
    private readonly bool _ownCalls;

    /// <summary>The directory's choice while the descriptor is open with <c>O_DIRECT</c>; null once it is not.</summary>
    private DirectIoChoice? _direct;

    private PartFile(string path, SafeFileHandle handle, bool ownCalls, DirectIoChoice? direct, DirectWrite? directWrite)
    {
        Path = path;
        _handle = handle;
        _ownCalls = ownCalls;
        _direct = direct;
        _directWrite = directWrite ?? DirectoryCalls.TryWrite;
    }

    /// <summary>One direct <c>pwrite</c>: the bytes written, or -1 with the errno (<see cref="DirectoryCalls.TryWrite"/>; another in narrow tests).</summary>
    internal delegate nint DirectWrite(SafeFileHandle file, ReadOnlySpan<byte> data, long offset, out int errno);

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>Whether the descriptor is still open for direct writes (it stops at the first piece that cannot be one).</summary>
    internal bool IsDirect => _direct is not null;

    /// <summary>Opens (or creates) the part file for appending, hashing what it already holds.</summary>
    public static PartFile Open(string path, bool keepExisting) =>
        // FileShare.None: another process writing the same part is refused (an advisory lock on Linux).
        FromHandle(path, File.OpenHandle(path, keepExisting ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite, FileShare.None), mayHoldBytes: keepExisting, ownCalls: false);

    /// <summary>Takes over an open, locked handle of the part file at <paramref name="path"/>, hashing what it already holds.</summary>
    /// <param name="direct">The directory's choice when <paramref name="handle"/> was opened with <c>O_DIRECT</c> (then empty, and <paramref name="ownCalls"/>).</param>
    public static PartFile FromHandle(string path, SafeFileHandle handle, bool mayHoldBytes, bool ownCalls, DirectIoChoice? direct = null, DirectWrite? directWrite = null)
    {
        var part = new PartFile(path, handle, ownCalls, direct, directWrite);
        if (!mayHoldBytes)
        {
            return part;
        }

        try
        {
            var buffer = new byte[ReadBufferSize];
            int read;
            while ((read = RandomAccess.Read(handle, buffer, part.Length)) > 0)
            {
                part._hash.AppendData(buffer, 0, read);
                part._scanner.Append(buffer.AsSpan(0, read));
                part.Length += read;
            }

            return part;
        }
        catch
        {
            part.Dispose();
            throw;
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var done = _direct is null ? 0 : WriteDirect(data);
        if (done < data.Length && _ownCalls)
        {
            DirectoryCalls.Write(_handle, data[done..], Length + done, Path);
        }
        else if (done < data.Length)
        {
            RandomAccess.Write(_handle, data[done..], Length + done);
        }

        _hash.AppendData(data);
        _scanner.Append(data);
        Length += data.Length;
    }

    /// <summary>Writes the whole aligned blocks of <paramref name="data"/> directly; the bytes written. What is left goes through the page cache from here on.</summary>
    private unsafe int WriteDirect(ReadOnlySpan<byte> data)
    {
        var choice = _direct!;
        var done = 0;
        fixed (byte* start = data)
        {
            var whole = DirectIo.IsAligned((nint)start) && DirectIo.IsAligned(Length) ? data.Length & ~(DirectIo.Alignment - 1) : 0;
            while (done < whole)
            {
                var written = _directWrite(_handle, data[done..whole], Length + done, out var errno);
                if (written < 0 && errno == DirectIo.EInval)
                {
                    // This file system refuses direct writes after all: the same bytes again, buffered.
                    choice.NoteRefused();
                    break;
                }

                if (written < 0)
                {
                    throw DirectoryCalls.Error(errno, Path);
                }

                choice.NoteWorked();
                done += (int)written;
                if (written == 0 || !DirectIo.IsAligned(written))
                {
                    break; // a short write that left the offset off a block boundary
                }
            }
        }

        if (done < data.Length)
        {
            DirectoryCalls.LeaveDirect(_handle, Path);
            _direct = null;
        }

        return done;
    }

    /// <summary>Empties the file to start the download over.</summary>
    public void Reset()
    {
        RandomAccess.SetLength(_handle, 0);
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _scanner.Reset();
        Length = 0;
    }

    /// <summary>Flushes to the disk itself (fsync), so a rename after this never exposes a half-written file.</summary>
    public void FlushToDisk()
    {
        if (_ownCalls)
        {
            DirectoryCalls.Sync(_handle, Path);
        }
        else
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <summary>What the part holds, once flushed: length, SHA-256, the box check of the bytes written, and its stamp when known.</summary>
    public PartFileResult Complete()
    {
        var stamp = PosixFiles.Stat(_handle) is { } identity && identity.Size == Length
            ? new FileStamp(identity.Size, identity.ModifiedNs, unchecked((long)identity.Inode))
            : (FileStamp?)null;
        return new PartFileResult(Path, Length, Convert.ToHexStringLower(_hash.GetCurrentHash()), _scanner.Finish(Length), stamp);
    }

    public void Dispose()
    {
        _handle.Dispose();
        _hash.Dispose();
    }
}
