using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>The engine of <c>batchgen export</c>: to a file (written atomically) or to a writer (stdout).</summary>
public static class ExportRunner
{
    /// <summary>
    /// Exports <paramref name="jobs"/> in <paramref name="format"/> to <paramref name="outputFile"/>, or to
    /// <paramref name="standardOutput"/> when it is null or "-". Returns an error line for an unknown format.
    /// </summary>
    public static Task<string?> ExportAsync(
        IReadOnlyList<LedgerJob> jobs,
        string format,
        string? outputFile,
        TextWriter standardOutput,
        CancellationToken cancellationToken) =>
        ExportAsync(jobs, format, outputFile, standardOutput, links: null, cancellationToken);

    /// <summary>As above, with links to the videos in the output store.</summary>
    public static async Task<string?> ExportAsync(
        IReadOnlyList<LedgerJob> jobs,
        string format,
        string? outputFile,
        TextWriter standardOutput,
        ObjectLinks? links,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(standardOutput);
        if (!Exporter.Formats.Contains(format, StringComparer.Ordinal))
        {
            return $"--format {format}: unknown export format; use {string.Join(" or ", Exporter.Formats)}";
        }

        if (outputFile is null or "-")
        {
            await Exporter.ExportAsync(jobs, format, standardOutput, links, cancellationToken).ConfigureAwait(false);
            return null;
        }

        await AtomicFile.WriteAsync(outputFile, w => Exporter.ExportAsync(jobs, format, w, links, cancellationToken), cancellationToken).ConfigureAwait(false);
        return null;
    }
}
