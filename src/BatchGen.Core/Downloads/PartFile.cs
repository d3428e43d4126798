using System.Security.Cryptography;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The <c>&lt;final&gt;.part</c> file a download streams into, with a running SHA-256 of everything in it. Opening an
/// existing part hashes its bytes first, so a resumed download still ends with the hash of the whole file.
/// <para>
/// Writes are synchronous and unbuffered (one <c>pwrite</c> per call, the caller hands over whole buffers): a write
/// lands in the page cache, and an asynchronous file write on Linux is the same write handed to another thread-pool
/// thread, which cost more CPU than the write itself. <see cref="FlushToDisk"/> makes it durable.
/// </para>
/// </summary>
internal sealed class PartFile : IDisposable
{
    private const int ReadBufferSize = 81920;

    private readonly FileStream _stream;
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private PartFile(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>Opens (or creates) the part file for appending, hashing what it already holds.</summary>
    public static PartFile Open(string path, bool keepExisting)
    {
        // FileShare.None: another process writing the same part is refused (an advisory lock on Linux).
        var part = new PartFile(path, new FileStream(path, keepExisting ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.None));
        try
        {
            if (part._stream.Length > 0)
            {
                var buffer = new byte[ReadBufferSize];
                int read;
                while ((read = part._stream.Read(buffer)) > 0)
                {
                    part._hash.AppendData(buffer, 0, read);
                    part.Length += read;
                }
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

        _stream.Write(data);
        _hash.AppendData(data);
        Length += data.Length;
    }

    /// <summary>Empties the file to start the download over.</summary>
    public void Reset()
    {
        _stream.SetLength(0);
        _stream.Position = 0;
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Length = 0;
    }

    /// <summary>Flushes to the disk itself (fsync), so a rename after this never exposes a half-written file.</summary>
    public void FlushToDisk() => _stream.Flush(flushToDisk: true);

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
    }
}
