using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Core.Reviews;

/// <summary>The review figures of one axis value: pairwise score with its 95% interval, win rate, ratings.</summary>
public sealed record RankingRow
{
    public required string Axis { get; init; }

    public required string Value { get; init; }

    /// <summary>Votes that compared this value with another value of the axis (both-bad included).</summary>
    public int Votes { get; init; }

    /// <summary>Wins, a tie counting one half.</summary>
    public double Wins { get; init; }

    public int BothBad { get; init; }

    /// <summary>Wins / decided votes (ties half), both-bad left out; null without such votes.</summary>
    public double? WinRate { get; init; }

    /// <summary>Bradley-Terry score (centred log-strength); null when the axis has no votes.</summary>
    public double? Score { get; init; }

    public double? ScoreLow { get; init; }

    public double? ScoreHigh { get; init; }

    /// <summary>Modelled chance of beating a value of the axis drawn at random (0..1).</summary>
    public double? WinProbability { get; init; }

    public double? MeanRating { get; init; }

    public double? MeanRatingLow { get; init; }

    public double? MeanRatingHigh { get; init; }

    /// <summary>Videos rated with stars (latest rating per rater and video).</summary>
    public int Ratings { get; init; }

    public int Rejects { get; init; }

    /// <summary>True when this value's interval lies above every other value's: the axis winner.</summary>
    public bool IsWinner { get; init; }
}

/// <summary>The verdict on one axis: the winner if the intervals clear, otherwise roughly how many votes would decide.</summary>
/// <param name="MoreVotesNeeded">Null when there is a winner, no votes yet (see <paramref name="Summary"/>) or the top two are too close to call.</param>
public sealed record AxisVerdict(string Axis, string? Winner, int Votes, int? MoreVotesNeeded, string Summary);

/// <summary>Per-axis rankings from the votes and ratings of a batch.</summary>
public sealed record ReviewRanking(IReadOnlyList<RankingRow> Rows, IReadOnlyList<AxisVerdict> Verdicts)
{
    public const int Resamples = 1000;
    public const double Level = 0.95;
    private const int Seed = 20261128;

    public static ReviewRanking Empty { get; } = new([], []);

    /// <summary>
    /// Ranks the values of each dimension. A vote counts for the axis it was cast on (the single axis its two jobs
    /// differ in); a rating counts for every axis value of its job. The latest rating of a video by a rater replaces
    /// that rater's earlier ones.
    /// </summary>
    public static ReviewRanking Build(IReadOnlyList<string> dimensions, IReadOnlyList<LedgerJob> jobs, IReadOnlyList<Vote> votes, IReadOnlyList<Rating> ratings)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(ratings);
        if (votes.Count == 0 && ratings.Count == 0)
        {
            return Empty;
        }

        return Build(
            dimensions,
            axis => jobs.Select(j => JobAxes.ValueOf(j, axis)).Distinct(StringComparer.Ordinal).Order(JobAxes.ValueComparer).ToList(),
            jobs.ToDictionary(j => j.Id, StringComparer.Ordinal),
            votes,
            ratings);
    }

    /// <summary>
    /// As above, given each dimension's values in report order and only the jobs the votes and ratings name (by id):
    /// what a report built one job at a time keeps.
    /// </summary>
    internal static ReviewRanking Build(
        IReadOnlyList<string> dimensions,
        Func<string, IReadOnlyList<string>> valuesOf,
        IReadOnlyDictionary<string, LedgerJob> byId,
        IReadOnlyList<Vote> votes,
        IReadOnlyList<Rating> ratings)
    {
        if (votes.Count == 0 && ratings.Count == 0)
        {
            return Empty;
        }

        var latest = LatestRatings(ratings);
        var rows = new List<RankingRow>();
        var verdicts = new List<AxisVerdict>();
        foreach (var axis in dimensions)
        {
            var values = valuesOf(axis).ToList();
            if (values.Count < 2)
            {
                continue;
            }

            var index = values.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i, StringComparer.Ordinal);
            var games = new List<BradleyTerry.Game>();
            var voteCount = new int[values.Count];
            var bothBad = new int[values.Count];
            var wins = new double[values.Count];
            var decided = new double[values.Count];
            foreach (var vote in votes.Where(v => string.Equals(v.Axis, axis, StringComparison.Ordinal)))
            {
                if (!byId.TryGetValue(vote.LeftJobId, out var left) || !byId.TryGetValue(vote.RightJobId, out var right))
                {
                    continue;
                }

                var a = index[JobAxes.ValueOf(left, axis)];
                var b = index[JobAxes.ValueOf(right, axis)];
                if (a == b)
                {
                    continue;
                }

                voteCount[a]++;
                voteCount[b]++;
                if (vote.Winner == VoteWinner.BothBad)
                {
                    bothBad[a]++;
                    bothBad[b]++;
                    continue;
                }

                var scoreA = vote.Winner switch { VoteWinner.Left => 1.0, VoteWinner.Right => 0.0, _ => 0.5 };
                games.Add(new BradleyTerry.Game(a, b, scoreA));
                wins[a] += scoreA;
                wins[b] += 1 - scoreA;
                decided[a]++;
                decided[b]++;
            }

            double[]? scores = null;
            (double Low, double High)[]? intervals = null;
            if (games.Count > 0)
            {
                scores = BradleyTerry.Fit(values.Count, games);
                intervals = BradleyTerry.Interval(values.Count, games, Resamples, Level, Seed);
            }

            var winner = scores is null ? -1 : WinnerOf(scores, intervals!);
            for (var i = 0; i < values.Count; i++)
            {
                var rated = RatingsOf(latest, byId, axis, values[i]);
                var (mean, low, high) = MeanInterval(rated.Stars);
                rows.Add(new RankingRow
                {
                    Axis = axis,
                    Value = values[i],
                    Votes = voteCount[i],
                    Wins = wins[i],
                    BothBad = bothBad[i],
                    WinRate = decided[i] > 0 ? wins[i] / decided[i] : null,
                    Score = scores?[i],
                    ScoreLow = intervals?[i].Low,
                    ScoreHigh = intervals?[i].High,
                    WinProbability = scores is null ? null : AverageWinProbability(scores, i),
                    MeanRating = mean,
                    MeanRatingLow = low,
                    MeanRatingHigh = high,
                    Ratings = rated.Stars.Count,
                    Rejects = rated.Rejects,
                    IsWinner = i == winner,
                });
            }

            verdicts.Add(Verdict(axis, values, games.Count + bothBad.Sum() / 2, scores, intervals, winner));
        }

        return new ReviewRanking(rows, verdicts);
    }

    /// <summary>The row of one axis value, if ranked.</summary>
    public RankingRow? RowOf(string axis, string value) =>
        Rows.FirstOrDefault(r => string.Equals(r.Axis, axis, StringComparison.Ordinal) && string.Equals(r.Value, value, StringComparison.Ordinal));

    private static int WinnerOf(double[] scores, (double Low, double High)[] intervals)
    {
        var top = Array.IndexOf(scores, scores.Max());
        for (var j = 0; j < scores.Length; j++)
        {
            if (j != top && intervals[top].Low <= intervals[j].High)
            {
                return -1;
            }
        }

        return top;
    }

    private static AxisVerdict Verdict(string axis, List<string> values, int votes, double[]? scores, (double Low, double High)[]? intervals, int winner)
    {
        if (scores is null || intervals is null)
        {
            return new AxisVerdict(axis, null, votes, null, votes == 0 ? "no votes yet" : "only both-bad votes: no preference");
        }

        if (winner >= 0)
        {
            return new AxisVerdict(axis, values[winner], votes, null, $"{values[winner]} wins (95% intervals clear the others after {votes} votes)");
        }

        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToList();
        var (first, second) = (order[0], order[1]);
        var gap = scores[first] - scores[second];
        var halfWidths = ((intervals[first].High - intervals[first].Low) + (intervals[second].High - intervals[second].Low)) / 2;
        if (gap < 0.05 || votes == 0)
        {
            return new AxisVerdict(axis, null, votes, null, $"too close to call: {values[first]} and {values[second]} score alike");
        }

        // Interval widths shrink with the square root of the votes: they clear once halfWidths * sqrt(n / n') < gap.
        var needed = votes * Math.Pow(halfWidths / gap, 2);
        var more = (int)Math.Min(100_000, Math.Max(1, Math.Ceiling(needed - votes)));
        return new AxisVerdict(axis, null, votes, more, $"no winner yet: {values[first]} leads {values[second]}; about {more} more votes would likely decide it");
    }

    private static double AverageWinProbability(double[] scores, int i)
    {
        var sum = 0.0;
        for (var j = 0; j < scores.Length; j++)
        {
            if (j != i)
            {
                sum += BradleyTerry.WinProbability(scores[i], scores[j]);
            }
        }

        return sum / (scores.Length - 1);
    }

    private static List<Rating> LatestRatings(IReadOnlyList<Rating> ratings) =>
        ratings
            .GroupBy(r => (r.Rater, r.JobId))
            .Select(g => g.MaxBy(r => r.Seq)!)
            .ToList();

    private static (List<int> Stars, int Rejects) RatingsOf(List<Rating> latest, IReadOnlyDictionary<string, LedgerJob> byId, string axis, string value)
    {
        var stars = new List<int>();
        var rejects = 0;
        foreach (var rating in latest)
        {
            if (!byId.TryGetValue(rating.JobId, out var job) || !string.Equals(JobAxes.ValueOf(job, axis), value, StringComparison.Ordinal))
            {
                continue;
            }

            if (rating.Rejected)
            {
                rejects++;
            }

            if (rating.Stars is { } s)
            {
                stars.Add(s);
            }
        }

        return (stars, rejects);
    }

    /// <summary>Mean with a Student-t 95% interval (clamped to 1..5); no interval for fewer than two ratings.</summary>
    internal static (double? Mean, double? Low, double? High) MeanInterval(IReadOnlyList<int> stars)
    {
        if (stars.Count == 0)
        {
            return (null, null, null);
        }

        var mean = stars.Average();
        if (stars.Count < 2)
        {
            return (mean, null, null);
        }

        var variance = stars.Sum(s => (s - mean) * (s - mean)) / (stars.Count - 1);
        var half = StudentT975(stars.Count - 1) * Math.Sqrt(variance / stars.Count);
        return (mean, Math.Max(1, mean - half), Math.Min(5, mean + half));
    }

    private static double StudentT975(int degrees) => degrees switch
    {
        1 => 12.706,
        2 => 4.303,
        3 => 3.182,
        4 => 2.776,
        5 => 2.571,
        6 => 2.447,
        7 => 2.365,
        8 => 2.306,
        9 => 2.262,
        10 => 2.228,
        <= 15 => 2.131,
        <= 20 => 2.086,
        <= 30 => 2.042,
        <= 60 => 2.000,
        <= 120 => 1.980,
        _ => 1.960,
    };
}
