using System.Text;

namespace BatchGen.Core.Reports;

/// <summary>Writes a text file through a temporary file in the same directory and a rename, so readers never see half a report.</summary>
internal static class AtomicFile
{
    public static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Task WriteAsync(string path, Func<TextWriter, Task> write, CancellationToken cancellationToken) =>
        WriteStreamAsync(
            path,
            async stream =>
            {
                var writer = new StreamWriter(stream, Utf8NoBom, 16 * 1024, leaveOpen: true) { NewLine = "\n" };
                await using (writer.ConfigureAwait(false))
                {
                    await write(writer).ConfigureAwait(false);
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);

    /// <summary>As <see cref="WriteAsync"/>, for a writer of bytes (UTF-8 JSON).</summary>
    public static async Task WriteStreamAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Plain writes in 64 KB pieces: on Linux an asynchronous FileStream only moves each write to a thread-pool
            // thread, and a 100,000-job batch writes about 200 MB of reports.
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: false);
            await using (stream.ConfigureAwait(false))
            {
                // No fsync: a report lost in a power cut is rebuilt from the ledger by `batchgen report`.
                await write(stream).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
