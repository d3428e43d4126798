namespace BatchGen.Core.Reports;

/// <summary>What the positional argument of <c>report</c>, <c>export</c> and <c>status</c> names.</summary>
public enum ReportTargetKind
{
    /// <summary>A BatchGen SQLite ledger (the file starts with the SQLite header).</summary>
    Ledger,

    /// <summary>Anything else: a manifest, whose output directory holds <c>ledger.db</c>.</summary>
    Manifest,
}

/// <summary>Tells a ledger from a manifest by content (not by name), and finds default paths.</summary>
public static class ReportTarget
{
    /// <summary>The ledger file name inside a batch's output directory.</summary>
    public const string LedgerFileName = "ledger.db";

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>
    /// Classifies <paramref name="path"/>. Returns an error line (what, where, how to fix) instead of throwing
    /// when the file does not exist or cannot be read.
    /// </summary>
    public static async Task<(ReportTargetKind? Kind, string? Error)> ClassifyAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, LedgerFileName))
                ? (ReportTargetKind.Ledger, null)
                : (null, $"{path}: is a directory without {LedgerFileName}; pass a manifest file or a ledger file");
        }

        if (!File.Exists(path))
        {
            return (null, $"{path}: no such file; pass a manifest (.yaml, .csv) or a ledger ({LedgerFileName})");
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                var header = new byte[SqliteHeader.Length];
                var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                return (read == header.Length && header.AsSpan().SequenceEqual(SqliteHeader) ? ReportTargetKind.Ledger : ReportTargetKind.Manifest, null);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: cannot be read ({ex.Message})");
        }
    }

    /// <summary>The ledger file for a target already classified: the file itself, or DIR/ledger.db for a directory.</summary>
    public static string LedgerPath(string target) =>
        Directory.Exists(target) ? Path.Combine(target, LedgerFileName) : target;

    /// <summary>The ledger of a batch whose output directory is <paramref name="outputDirectory"/>.</summary>
    public static string LedgerPathIn(string outputDirectory) => Path.Combine(outputDirectory, LedgerFileName);
}
