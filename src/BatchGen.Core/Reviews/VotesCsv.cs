using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using CsvHelper;

namespace BatchGen.Core.Reviews;

/// <summary>A vote read from a CSV file, checked against the batch.</summary>
public sealed record ImportedVote(string LeftJobId, string RightJobId, VoteWinner Winner, string Rater, string? Axis);

/// <summary>
/// Votes exchanged as CSV with the header <c>left_job_id,right_job_id,winner,rater</c> (winner: left, right, tie,
/// both_bad), so votes cast in other tools or spreadsheets count too. Columns may come in any order; others are
/// ignored. Every problem is reported at once as <c>file:line: column: message</c>, and nothing is imported then.
/// </summary>
public static class VotesCsv
{
    public static IReadOnlyList<string> Header { get; } = ["left_job_id", "right_job_id", "winner", "rater"];

    private static readonly CsvWriterOptions WriteOptions = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>Writes every vote, oldest first.</summary>
    public static async Task WriteAsync(TextWriter output, IEnumerable<Vote> votes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var csv = CsvWriter.Create(output, WriteOptions, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            csv.WriteHeader(Header.ToArray());
            foreach (var vote in votes)
            {
                await csv.WriteRecordAsync([vote.LeftJobId, vote.RightJobId, VoteWinners.Name(vote.Winner), vote.Rater], cancellationToken).ConfigureAwait(false);
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and checks a votes file against the batch's jobs; returns the votes or the errors.</summary>
    public static (IReadOnlyList<ImportedVote> Votes, IReadOnlyList<string> Errors) Read(string path, IReadOnlyList<string> dimensions, IReadOnlyList<LedgerJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var errors = new List<string>();
        var votes = new List<ImportedVote>();
        var byId = jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        try
        {
            using var reader = CsvReader.FromFile(path, options);
            if (!reader.Read())
            {
                return ([], [$"{path}:1: empty file: expected the header {string.Join(',', Header)}"]);
            }

            var header = Fields(reader).Select(h => h.Trim().ToLowerInvariant()).ToList();
            var columns = Header.Select(name => header.IndexOf(name)).ToArray();
            var missing = Header.Where((_, i) => columns[i] < 0 && i < 3).ToList();
            if (missing.Count > 0)
            {
                return ([], [$"{path}:1: header lacks {string.Join(", ", missing)} (expected {string.Join(',', Header)})"]);
            }

            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var row = Fields(reader);
                string Cell(int column) => columns[column] >= 0 && columns[column] < row.Length ? row[columns[column]].Trim() : string.Empty;
                var left = Cell(0);
                var right = Cell(1);
                var winnerText = Cell(2);
                var rater = Cell(3);
                var ok = true;
                foreach (var (name, id) in new[] { ("left_job_id", left), ("right_job_id", right) })
                {
                    if (!byId.ContainsKey(id))
                    {
                        errors.Add($"{path}:{line}: {name}: {(id.Length == 0 ? "empty" : $"'{id}' is not a job of this batch")}");
                        ok = false;
                    }
                }

                if (ok && string.Equals(left, right, StringComparison.Ordinal))
                {
                    errors.Add($"{path}:{line}: right_job_id: the same job as left_job_id");
                    ok = false;
                }

                if (!VoteWinners.TryParse(winnerText, out var winner))
                {
                    errors.Add($"{path}:{line}: winner: '{winnerText}' is not one of {string.Join(", ", VoteWinners.Names)}");
                    ok = false;
                }

                if (ok)
                {
                    var axis = PairSelector.DifferingAxis(dimensions, byId[left], byId[right]);
                    votes.Add(new ImportedVote(left, right, winner, rater.Length == 0 ? "import" : rater, axis));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ([], [$"{path}: cannot read the votes file: {ex.Message.ReplaceLineEndings(" ")}"]);
        }

        return errors.Count > 0 ? ([], errors) : (votes, []);
    }

    /// <summary>
    /// The votes of <paramref name="incoming"/> not already in the ledger: compared as a multiset of
    /// (left, right, winner, rater), so importing the same file twice, or an export back into its own batch, adds nothing.
    /// </summary>
    public static IReadOnlyList<ImportedVote> NotYetRecorded(IReadOnlyList<ImportedVote> incoming, IReadOnlyList<Vote> existing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        var counts = new Dictionary<(string, string, VoteWinner, string), int>();
        foreach (var vote in existing)
        {
            var key = (vote.LeftJobId, vote.RightJobId, vote.Winner, vote.Rater);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var fresh = new List<ImportedVote>();
        foreach (var vote in incoming)
        {
            var key = (vote.LeftJobId, vote.RightJobId, vote.Winner, vote.Rater);
            if (counts.TryGetValue(key, out var left) && left > 0)
            {
                counts[key] = left - 1;
            }
            else
            {
                fresh.Add(vote);
            }
        }

        return fresh;
    }

    private static string[] Fields(CsvReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i) ?? string.Empty;
        }

        return fields;
    }
}
