using System.Globalization;
using System.Text;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Reads input files (manifests, providers files, CSV rows) with bounds: only regular files, at most a given size,
/// through a reader that stops past the cap even if the file grows. Every way a file cannot be read is a one-line
/// diagnostic. A device, FIFO or socket is refused without opening it (opening a FIFO would wait for a writer).
/// </summary>
internal static class FileChecks
{
    public static bool CheckReadable(string fullPath, SourceMark mark, string what, int maxBytes, DiagnosticBag bag, out string text)
    {
        text = string.Empty;
        if (Directory.Exists(fullPath))
        {
            bag.Error(mark, what, "is a directory; give the path of a file");
            return false;
        }

        if (!File.Exists(fullPath))
        {
            bag.Error(mark, what, "file not found");
            return false;
        }

        try
        {
            var info = new FileInfo(fullPath);
            // Devices, FIFOs and sockets report a length of 0 on Linux and macOS, like an empty file: both are refused.
            if (info.Length == 0)
            {
                bag.Error(mark, what, "the file is empty, or is not a regular file (a device, pipe or socket cannot be read as a manifest)");
                return false;
            }

            if (info.Length > maxBytes)
            {
                bag.Error(mark, what, TooLarge(info.Length, maxBytes));
                return false;
            }

            using var bytes = ReadAtMost(fullPath, maxBytes, info.Length);
            if (bytes is null)
            {
                bag.Error(mark, what, TooLarge(null, maxBytes));
                return false;
            }

            using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            bag.Error(mark, what, $"cannot read the file: {ex.Message.ReplaceLineEndings(" ")}");
            return false;
        }
    }

    /// <summary>
    /// The file's bytes from their start, or null when it holds more than <paramref name="maxBytes"/> (it grew after
    /// the size check). The buffer is sized for the length seen, so a large CSV is not copied while it grows nor again
    /// at the end (three transient copies of a 100,000-row file were about 30 MB at load).
    /// </summary>
    private static MemoryStream? ReadAtMost(string fullPath, int maxBytes, long expectedLength)
    {
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new MemoryStream((int)Math.Min(maxBytes + 1L, expectedLength + 1));
        var chunk = new byte[81920];
        while (true)
        {
            var room = maxBytes + 1 - (int)buffer.Length;
            var read = stream.Read(chunk, 0, Math.Min(chunk.Length, room));
            if (read == 0)
            {
                buffer.Position = 0;
                return buffer;
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                buffer.Dispose();
                return null;
            }
        }
    }

    private static string TooLarge(long? length, int maxBytes)
    {
        var size = length is { } l ? $"is {Mib(l)} MiB, " : "grew while being read and is ";
        return $"{size}larger than the {Mib(maxBytes)} MiB allowed for this kind of file";
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.##", CultureInfo.InvariantCulture);
}
