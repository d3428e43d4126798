using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Core.Reviews;

/// <summary>Two videos to compare blind, already in display order (sides randomised).</summary>
public sealed record ReviewPair(string Axis, LedgerJob Left, LedgerJob Right, int PriorVotes);

/// <summary>
/// Chooses the next blind pair for an axis: two succeeded videos that differ in that axis only (every other
/// dimension equal), the pair with the fewest votes so far (any rater), ties broken at random; sides at random.
/// </summary>
public sealed class PairSelector
{
    private readonly Random _random;

    public PairSelector(Random random) => _random = random;

    /// <summary>Jobs that can take part in a comparison: succeeded, with a video.</summary>
    public static IEnumerable<LedgerJob> Reviewable(IEnumerable<LedgerJob> jobs) =>
        jobs.Where(j => j.State == JobState.Succeeded && !string.IsNullOrEmpty(j.FilePath));

    /// <summary>Every comparable pair for the axis (unordered, each once, left id &lt; right id).</summary>
    public static IEnumerable<(LedgerJob A, LedgerJob B)> Candidates(IReadOnlyList<string> dimensions, IEnumerable<LedgerJob> jobs, string axis)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        var others = dimensions.Where(d => !string.Equals(d, axis, StringComparison.Ordinal)).ToList();
        var groups = Reviewable(jobs)
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .GroupBy(j => string.Join('\u001f', others.Select(d => JobAxes.ValueOf(j, d))), StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var members = group.ToList();
            for (var i = 0; i < members.Count; i++)
            {
                for (var k = i + 1; k < members.Count; k++)
                {
                    if (!string.Equals(JobAxes.ValueOf(members[i], axis), JobAxes.ValueOf(members[k], axis), StringComparison.Ordinal))
                    {
                        yield return (members[i], members[k]);
                    }
                }
            }
        }
    }

    /// <summary>The axis in which two jobs differ, when it is exactly one dimension; else null.</summary>
    public static string? DifferingAxis(IReadOnlyList<string> dimensions, LedgerJob a, LedgerJob b)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        string? found = null;
        foreach (var dimension in dimensions)
        {
            if (!string.Equals(JobAxes.ValueOf(a, dimension), JobAxes.ValueOf(b, dimension), StringComparison.Ordinal))
            {
                if (found is not null)
                {
                    return null;
                }

                found = dimension;
            }
        }

        return found;
    }

    /// <summary>The next pair to show for the axis, or null when the batch has none.</summary>
    public ReviewPair? Next(IReadOnlyList<string> dimensions, IReadOnlyList<LedgerJob> jobs, string axis, IReadOnlyList<Vote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var counts = new Dictionary<(string, string), int>();
        foreach (var vote in votes)
        {
            var key = Key(vote.LeftJobId, vote.RightJobId);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        List<(LedgerJob A, LedgerJob B)> best = [];
        var fewest = int.MaxValue;
        foreach (var pair in Candidates(dimensions, jobs, axis))
        {
            var seen = counts.GetValueOrDefault(Key(pair.A.Id, pair.B.Id));
            if (seen < fewest)
            {
                fewest = seen;
                best.Clear();
            }

            if (seen == fewest)
            {
                best.Add(pair);
            }
        }

        if (best.Count == 0)
        {
            return null;
        }

        var (a, b) = best[_random.Next(best.Count)];
        return _random.Next(2) == 0 ? new ReviewPair(axis, a, b, fewest) : new ReviewPair(axis, b, a, fewest);
    }

    private static (string, string) Key(string x, string y) => string.CompareOrdinal(x, y) <= 0 ? (x, y) : (y, x);
}
