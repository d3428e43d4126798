namespace BatchGen.Core.Reviews;

/// <summary>
/// Bradley-Terry strengths from pairwise outcomes: P(i beats j) = p_i / (p_i + p_j). Fitted with Hunter's MM
/// iteration (2004) on aggregated counts. A tie counts half a win to each side. A weak prior (one tie of every item
/// against a fixed reference of strength 1) keeps an unbeaten or winless item finite and an unvoted item at the
/// average. Scores are natural-log strengths centred on their mean, so 0 is the average item and a difference of
/// d between two items means P(first beats second) = 1 / (1 + e^-d).
/// </summary>
public static class BradleyTerry
{
    private const int MaxIterations = 2000;
    private const double Tolerance = 1e-10;
    private const double PriorGames = 1.0;

    /// <summary>One comparison: items <paramref name="A"/> and <paramref name="B"/>, and A's share of the win (1, 0.5 or 0).</summary>
    public readonly record struct Game(int A, int B, double ScoreA);

    /// <summary>Centred log-strengths of <paramref name="items"/> items from <paramref name="games"/>.</summary>
    public static double[] Fit(int items, IReadOnlyList<Game> games)
    {
        ArgumentNullException.ThrowIfNull(games);
        var wins = new double[items];
        var pairs = new double[items, items];
        foreach (var game in games)
        {
            Add(wins, pairs, game, 1);
        }

        return Solve(wins, pairs);
    }

    /// <summary>
    /// Percentile bootstrap of <see cref="Fit"/>: the games resampled with replacement <paramref name="resamples"/>
    /// times (deterministic for a seed); returns each item's (low, high) at the given two-sided level.
    /// </summary>
    public static (double Low, double High)[] Interval(int items, IReadOnlyList<Game> games, int resamples, double level, int seed)
    {
        ArgumentNullException.ThrowIfNull(games);
        var draws = new double[items][];
        for (var i = 0; i < items; i++)
        {
            draws[i] = new double[resamples];
        }

        var random = new Random(seed);
        var wins = new double[items];
        var pairs = new double[items, items];
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(wins);
            Array.Clear(pairs);
            for (var k = 0; k < games.Count; k++)
            {
                Add(wins, pairs, games[random.Next(games.Count)], 1);
            }

            var scores = Solve(wins, pairs);
            for (var i = 0; i < items; i++)
            {
                draws[i][r] = scores[i];
            }
        }

        var tail = (1 - level) / 2;
        var result = new (double, double)[items];
        for (var i = 0; i < items; i++)
        {
            Array.Sort(draws[i]);
            result[i] = (Quantile(draws[i], tail), Quantile(draws[i], 1 - tail));
        }

        return result;
    }

    /// <summary>P(first beats second) for two scores.</summary>
    public static double WinProbability(double first, double second) => 1 / (1 + Math.Exp(second - first));

    private static void Add(double[] wins, double[,] pairs, Game game, double weight)
    {
        if (game.A == game.B)
        {
            return;
        }

        wins[game.A] += weight * game.ScoreA;
        wins[game.B] += weight * (1 - game.ScoreA);
        pairs[game.A, game.B] += weight;
        pairs[game.B, game.A] += weight;
    }

    private static double[] Solve(double[] wins, double[,] pairs)
    {
        var n = wins.Length;
        var p = new double[n];
        Array.Fill(p, 1.0);
        var next = new double[n];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                // The prior: PriorGames games against a reference of strength 1, half of them won.
                var denominator = PriorGames / (p[i] + 1);
                for (var j = 0; j < n; j++)
                {
                    if (pairs[i, j] > 0)
                    {
                        denominator += pairs[i, j] / (p[i] + p[j]);
                    }
                }

                next[i] = (wins[i] + (PriorGames / 2)) / denominator;
                change = Math.Max(change, Math.Abs(Math.Log(next[i] / p[i])));
            }

            (p, next) = (next, p);
            if (change < Tolerance)
            {
                break;
            }
        }

        var scores = new double[n];
        var mean = 0.0;
        for (var i = 0; i < n; i++)
        {
            scores[i] = Math.Log(p[i]);
            mean += scores[i] / n;
        }

        for (var i = 0; i < n; i++)
        {
            scores[i] -= mean;
        }

        return scores;
    }

    private static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
