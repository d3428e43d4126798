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
    /// times (deterministic for a seed); returns each item's (low, high) at the given two-sided level. The bootstrap
    /// collapses when every game ended the same way (each resample is the same data), so each interval is at least
    /// as wide as the normal approximation from the observed information at the fitted strengths (prior included):
    /// two votes for one side never read as certainty.
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
        var halfWidths = NormalHalfWidths(items, games, NormalQuantile(1 - tail));
        var fitted = Fit(items, games);
        var result = new (double, double)[items];
        for (var i = 0; i < items; i++)
        {
            Array.Sort(draws[i]);
            result[i] = (
                Math.Min(Quantile(draws[i], tail), fitted[i] - halfWidths[i]),
                Math.Max(Quantile(draws[i], 1 - tail), fitted[i] + halfWidths[i]));
        }

        return result;
    }

    /// <summary>z / sqrt(observed information) of each log-strength, from the games and the prior.</summary>
    private static double[] NormalHalfWidths(int items, IReadOnlyList<Game> games, double z)
    {
        var wins = new double[items];
        var pairs = new double[items, items];
        foreach (var game in games)
        {
            Add(wins, pairs, game, 1);
        }

        var scores = Solve(wins, pairs);
        var result = new double[items];
        for (var i = 0; i < items; i++)
        {
            var pi = Math.Exp(scores[i]);
            var information = PriorGames * pi / ((pi + 1) * (pi + 1));
            for (var j = 0; j < items; j++)
            {
                if (pairs[i, j] > 0)
                {
                    var pj = Math.Exp(scores[j]);
                    information += pairs[i, j] * pi * pj / ((pi + pj) * (pi + pj));
                }
            }

            result[i] = z / Math.Sqrt(information);
        }

        return result;
    }

    /// <summary>The standard normal quantile of <paramref name="p"/> (bisection on an erf approximation, |error| below 1e-6).</summary>
    private static double NormalQuantile(double p)
    {
        double Cdf(double x)
        {
            // Abramowitz and Stegun 7.1.26 for erf.
            var t = 1 / (1 + (0.3275911 * Math.Abs(x) / Math.Sqrt(2)));
            var erf = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x / 2);
            return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
        }

        double low = -10, high = 10;
        for (var k = 0; k < 60; k++)
        {
            var mid = (low + high) / 2;
            (low, high) = Cdf(mid) < p ? (mid, high) : (low, mid);
        }

        return (low + high) / 2;
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
