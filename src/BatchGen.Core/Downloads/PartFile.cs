using System.Security.Cryptography;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The <c>&lt;final&gt;.part</c> file a download streams into, with a running SHA-256 of everything in it. Opening an
/// existing part hashes its bytes first, so a resumed download still ends with the hash of the whole file.
/// </summary>
internal sealed class PartFile : IAsyncDisposable
{
    private const int BufferSize = 81920;

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
    public static async Task<PartFile> OpenAsync(string path, bool keepExisting, CancellationToken cancellationToken)
    {
        var part = new PartFile(path, new FileStream(path, keepExisting ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true));
        try
        {
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await part._stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                part._hash.AppendData(buffer, 0, read);
                part.Length += read;
            }

            return part;
        }
        catch
        {
            await part.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(data.Span);
        Length += data.Length;
    }

    /// <summary>Empties the file to start the download over.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.SetLength(0);
        _stream.Position = 0;
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Length = 0;
    }

    /// <summary>Flushes to the disk itself (fsync), so a rename after this never exposes a half-written file.</summary>
    public async Task FlushToDiskAsync(CancellationToken cancellationToken)
    {
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1849 // fsync has no asynchronous form
        _stream.Flush(flushToDisk: true);
#pragma warning restore CA1849
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
    }
}
