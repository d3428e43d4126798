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
/// Writes are synchronous and unbuffered (one <c>pwrite</c> per call, the caller hands over whole buffers): a write
/// lands in the page cache, and an asynchronous file write on Linux is the same write handed to another thread-pool
/// thread, which cost more CPU than the write itself. <see cref="FlushToDisk"/> makes it durable.
/// </para>
/// </summary>
internal sealed class PartFile : IDisposable
{
    private const int ReadBufferSize = 81920;

    private readonly SafeFileHandle _handle;
    private readonly Mp4BoxScanner _scanner = new();
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Opened here by <see cref="DirectoryCalls"/> (Linux): written with its own <c>pwrite</c>.</summary>
    private readonly bool _direct;

    private PartFile(string path, SafeFileHandle handle, bool direct)
    {
        Path = path;
        _handle = handle;
        _direct = direct;
    }

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>Opens (or creates) the part file for appending, hashing what it already holds.</summary>
    public static PartFile Open(string path, bool keepExisting) =>
        // FileShare.None: another process writing the same part is refused (an advisory lock on Linux).
        FromHandle(path, File.OpenHandle(path, keepExisting ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite, FileShare.None), mayHoldBytes: keepExisting, direct: false);

    /// <summary>Takes over an open, locked handle of the part file at <paramref name="path"/>, hashing what it already holds.</summary>
    public static PartFile FromHandle(string path, SafeFileHandle handle, bool mayHoldBytes, bool direct)
    {
        var part = new PartFile(path, handle, direct);
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

        if (_direct)
        {
            DirectoryCalls.Write(_handle, data, Length, Path);
        }
        else
        {
            RandomAccess.Write(_handle, data, Length);
        }

        _hash.AppendData(data);
        _scanner.Append(data);
        Length += data.Length;
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
        if (_direct)
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
