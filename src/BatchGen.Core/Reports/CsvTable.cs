using CsvHelper;

namespace BatchGen.Core.Reports;

/// <summary>
/// Writes rows of text as RFC 4180 CSV with CsvHelper (fields with commas, quotes or line breaks quoted, quotes
/// doubled), "\n" line ends, UTF-8 from the caller's writer. Formula-looking text is left as is (a prompt is data).
/// </summary>
internal static class CsvTable
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n" };

    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            csv.WriteHeader(header.ToArray());
            foreach (var row in rows)
            {
                await csv.WriteRecordAsync(row.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>As above, rows from a stream (written as they come).</summary>
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IAsyncEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            csv.WriteHeader(header.ToArray());
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await csv.WriteRecordAsync(row.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
