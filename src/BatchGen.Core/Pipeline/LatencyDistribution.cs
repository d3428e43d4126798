namespace BatchGen.Core.Pipeline;

/// <summary>
/// The distribution of a task's completion time (seconds from its submit), estimated from interval-censored
/// observations: each finished task is known to have completed after the last poll that saw it unfinished (or its
/// submit) and before the answer of the first poll that saw it finished, nothing more.
/// <para>
/// Estimator: Turnbull's self-consistency algorithm (the EM algorithm for the nonparametric maximum-likelihood
/// estimate under interval censoring) on a grid of equal bins, the density uniform within a bin. Each observation's
/// unit of mass is shared among the bins its interval covers in proportion to their current mass; iterating converges
/// to the likelihood maximum. Unlike "submit to the poll that saw it done", an interval does not count the poll's own
/// lateness as latency, so the estimate falls when the provider gets faster. Unlike taking midpoints, a task found
/// finished at its first poll only says "at most this", which the fit keeps as such: where the data cannot place mass
/// inside an interval (no tighter observation there), it stays spread uniformly over it (the starting density), so
/// quantiles inside a left-censored stretch move down when more tasks are found already finished, and the poll plan's
/// next polls then measure them more tightly.
/// </para>
/// </summary>
internal sealed class LatencyDistribution
{
    private const int Bins = 64;
    private const int Iterations = 40;

    private readonly double _width;
    private readonly double[] _cdf; // at bin edges: _cdf[j] = P(X <= j * width), _cdf[Bins] = 1

    private LatencyDistribution(double width, double[] cdf, int count)
    {
        _width = width;
        _cdf = cdf;
        Count = count;
    }

    /// <summary>Observations the estimate rests on.</summary>
    public int Count { get; }

    /// <summary>The end of the support: every observed completion lies before it.</summary>
    public double Upper => _width * Bins;

    /// <summary>
    /// Fits the distribution to intervals <c>(NotDoneAt, DoneBy]</c> in seconds. The grid ends at the 98th percentile
    /// of the upper ends plus a quarter (a rare very late observation, e.g. a poll that queued long behind the rate
    /// limit, does not coarsen the grid); intervals reaching past it are cut at its end.
    /// </summary>
    public static LatencyDistribution Fit(IReadOnlyList<(double NotDoneAt, double DoneBy)> intervals)
    {
        ArgumentOutOfRangeException.ThrowIfZero(intervals.Count);
        var uppers = intervals.Select(i => i.DoneBy).Order().ToArray();
        var end = Math.Max(1e-3, Math.Min(uppers[^1], uppers[(int)Math.Floor(0.98 * (uppers.Length - 1))] * 1.25));
        var width = end / Bins;

        // Each observation's coverage of the bins: first bin and the covered fraction of each bin from there.
        var first = new int[intervals.Count];
        var cover = new double[intervals.Count][];
        for (var i = 0; i < intervals.Count; i++)
        {
            var lo = Math.Clamp(intervals[i].NotDoneAt, 0, end);
            var hi = Math.Clamp(intervals[i].DoneBy, lo, end);
            if (hi - lo < width * 1e-3)
            {
                // A (nearly) exact observation: its bin, or the last one at the end of the grid.
                lo = Math.Max(0, Math.Min(lo, end - (width * 1e-3)));
                hi = lo + (width * 1e-3);
            }

            var a = Math.Min(Bins - 1, (int)(lo / width));
            var b = Math.Min(Bins - 1, (int)Math.Ceiling(hi / width) - 1);
            b = Math.Max(a, b);
            first[i] = a;
            cover[i] = new double[b - a + 1];
            for (var j = a; j <= b; j++)
            {
                var overlap = Math.Min(hi, (j + 1) * width) - Math.Max(lo, j * width);
                cover[i][j - a] = Math.Max(0, overlap / width);
            }
        }

        var mass = Enumerable.Repeat(1.0 / Bins, Bins).ToArray();
        var next = new double[Bins];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Array.Clear(next);
            for (var i = 0; i < cover.Length; i++)
            {
                var weights = cover[i];
                var a = first[i];
                var total = 0.0;
                for (var k = 0; k < weights.Length; k++)
                {
                    total += weights[k] * mass[a + k];
                }

                if (total <= 0)
                {
                    continue;
                }

                for (var k = 0; k < weights.Length; k++)
                {
                    next[a + k] += weights[k] * mass[a + k] / total;
                }
            }

            var sum = next.Sum();
            for (var j = 0; j < Bins; j++)
            {
                mass[j] = next[j] / sum;
            }
        }

        var cdf = new double[Bins + 1];
        for (var j = 0; j < Bins; j++)
        {
            cdf[j + 1] = Math.Min(1, cdf[j] + mass[j]);
        }

        cdf[Bins] = 1;
        return new LatencyDistribution(width, cdf, intervals.Count);
    }

    /// <summary>P(completion &lt;= <paramref name="seconds"/>), linear within a bin.</summary>
    public double Cdf(double seconds)
    {
        if (seconds <= 0)
        {
            return 0;
        }

        var position = seconds / _width;
        if (position >= Bins)
        {
            return 1;
        }

        var j = (int)position;
        return _cdf[j] + ((_cdf[j + 1] - _cdf[j]) * (position - j));
    }

    /// <summary>The completion time below which a fraction <paramref name="q"/> of tasks finish.</summary>
    public double Quantile(double q)
    {
        q = Math.Clamp(q, 0, 1);
        for (var j = 0; j < Bins; j++)
        {
            if (_cdf[j + 1] >= q && _cdf[j + 1] > _cdf[j])
            {
                var within = (q - _cdf[j]) / (_cdf[j + 1] - _cdf[j]);
                return (j + Math.Clamp(within, 0, 1)) * _width;
            }
        }

        return Upper;
    }
}
