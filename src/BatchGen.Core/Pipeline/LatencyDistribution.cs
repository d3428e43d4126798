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

    /// <summary>A distribution given by its CDF at the bin edges (<c>cdf[j] = P(X &lt;= j * width)</c>, 65 values).</summary>
    internal static LatencyDistribution FromCdf(double width, double[] cdf, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(cdf.Length, Bins + 1);
        return new LatencyDistribution(width, cdf, count);
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
        var uppers = new double[intervals.Count];
        for (var i = 0; i < uppers.Length; i++)
        {
            uppers[i] = intervals[i].DoneBy;
        }

        Array.Sort(uppers);
        var end = Math.Max(1e-3, Math.Min(uppers[^1], uppers[(int)Math.Floor(0.98 * (uppers.Length - 1))] * 1.25));
        var width = end / Bins;

        // Each observation covers bins a..b: a fraction of bin a, whole bins between, a fraction of bin b.
        var n = intervals.Count;
        var first = new int[n];
        var last = new int[n];
        var firstWeight = new double[n];
        var lastWeight = new double[n];
        for (var i = 0; i < n; i++)
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
            var b = Math.Max(a, Math.Min(Bins - 1, (int)Math.Ceiling(hi / width) - 1));
            first[i] = a;
            last[i] = b;
            firstWeight[i] = Coverage(lo, hi, a, width);
            lastWeight[i] = b > a ? Coverage(lo, hi, b, width) : 0;
        }

        // One self-consistency step costs O(observations + bins), not O(observations x bins): an observation's mass
        // over its whole bins is read from prefix sums, and what it gives back to them (mass[j] / total for each) is
        // accumulated as a per-bin factor through a difference array.
        var mass = new double[Bins];
        Array.Fill(mass, 1.0 / Bins);
        var next = new double[Bins];
        var prefix = new double[Bins + 1];
        var factor = new double[Bins + 1];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            for (var j = 0; j < Bins; j++)
            {
                prefix[j + 1] = prefix[j] + mass[j];
            }

            Array.Clear(next);
            Array.Clear(factor);
            for (var i = 0; i < n; i++)
            {
                var a = first[i];
                var b = last[i];
                var edges = (firstWeight[i] * mass[a]) + (lastWeight[i] * mass[b]);
                var total = b > a + 1 ? edges + Math.Max(0, prefix[b] - prefix[a + 1]) : edges;
                if (total <= 0)
                {
                    continue;
                }

                var share = 1 / total;
                next[a] += firstWeight[i] * mass[a] * share;
                if (b > a)
                {
                    next[b] += lastWeight[i] * mass[b] * share;
                    factor[a + 1] += share;
                    factor[b] -= share;
                }
            }

            var running = 0.0;
            var sum = 0.0;
            for (var j = 0; j < Bins; j++)
            {
                running += factor[j];
                next[j] += mass[j] * running;
                sum += next[j];
            }

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

    /// <summary>The fraction of bin <paramref name="j"/> that (lo, hi] covers.</summary>
    private static double Coverage(double lo, double hi, int j, double width) =>
        Math.Max(0, (Math.Min(hi, (j + 1) * width) - Math.Max(lo, j * width)) / width);

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
