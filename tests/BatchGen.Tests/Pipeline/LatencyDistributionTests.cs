using BatchGen.Core.Pipeline;

namespace BatchGen.Tests.Pipeline;

/// <summary>
/// The fit's fast self-consistency step (prefix sums and a difference array, O(observations + bins)) against the
/// straightforward one it replaced (every observation walks every bin it covers), kept here as the reference: the
/// same distribution to rounding, and the same poll plan.
/// </summary>
public sealed class LatencyDistributionTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Fit_RandomIntervals_SameDistributionAsTheReferenceFit(int seed)
    {
        var intervals = RandomIntervals(seed);

        var fast = LatencyDistribution.Fit(intervals);
        var reference = ReferenceCdf(intervals, out var upper);

        fast.Upper.ShouldBe(upper, 1e-12);
        for (var k = 0; k <= 200; k++)
        {
            var t = upper * k / 200.0;
            fast.Cdf(t).ShouldBe(reference(t), 1e-9, $"seed {seed}, t {t}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Choose_FastFit_SamePlanAsTheReferenceFit(int seed)
    {
        var intervals = RandomIntervals(seed);
        var limits = new PlanLimits(20, 40, 1, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));

        var fast = PollPlanner.Choose(LatencyDistribution.Fit(intervals), limits);
        var reference = PollPlanner.Choose(ReferenceDistribution(intervals), limits);

        fast.FirstPoll.TotalSeconds.ShouldBe(reference.FirstPoll.TotalSeconds, 1e-6);
        fast.FollowUp.ShouldBe(reference.FollowUp);
        fast.Probe.TotalSeconds.ShouldBe(reference.Probe.TotalSeconds, 1e-6);
        fast.ExpectedPolls.ShouldBe(reference.ExpectedPolls, 1e-6);
    }

    [Fact]
    public void Fit_ExactAndOneBinObservations_MassWhereTheyAre()
    {
        // Exact observations (zero-width intervals) and intervals inside one bin: no whole bins between the ends.
        var intervals = new List<(double, double)>();
        for (var i = 0; i < 60; i++)
        {
            intervals.Add((10, 10));
            intervals.Add((20, 20.01));
        }

        var fit = LatencyDistribution.Fit(intervals);

        fit.Cdf(9.5).ShouldBeLessThan(0.01);
        fit.Cdf(15).ShouldBe(0.5, 0.01);
        fit.Cdf(fit.Upper).ShouldBe(1);
    }

    /// <summary>A mix like a real run's: late first polls finding tasks done (0, t], probes, and tight poll gaps.</summary>
    private static List<(double NotDoneAt, double DoneBy)> RandomIntervals(int seed)
    {
        var random = new Random(seed);
        var scale = seed % 2 == 0 ? 60.0 : 0.004;
        var intervals = new List<(double, double)>();
        for (var i = 0; i < LatencyTracker.Window; i++)
        {
            var x = scale * (0.7 + (0.6 * random.NextDouble()));
            switch (random.Next(3))
            {
                case 0:
                    intervals.Add((0, Math.Max(x, scale * 1.1) + (scale * 0.05 * random.NextDouble())));
                    break;
                case 1:
                    var gap = scale * 0.05;
                    var running = Math.Floor(x / gap) * gap;
                    intervals.Add((running, running + gap));
                    break;
                default:
                    intervals.Add((x, x));
                    break;
            }
        }

        if (seed == 8)
        {
            // A rare very late answer: beyond the 98th percentile's grid end.
            intervals[5] = (0, scale * 10);
        }

        return intervals;
    }

    /// <summary>The reference fit's result as a distribution (its bin-edge CDF on the same grid).</summary>
    private static LatencyDistribution ReferenceDistribution(IReadOnlyList<(double NotDoneAt, double DoneBy)> intervals)
    {
        var cdf = ReferenceCdfEdges(intervals, out var width);
        return LatencyDistribution.FromCdf(width, cdf, intervals.Count);
    }

    private static Func<double, double> ReferenceCdf(IReadOnlyList<(double NotDoneAt, double DoneBy)> intervals, out double upper)
    {
        var distribution = ReferenceDistribution(intervals);
        upper = distribution.Upper;
        return distribution.Cdf;
    }

    /// <summary>The fit as it was: Turnbull's self-consistency step with every observation walking its bins.</summary>
    private static double[] ReferenceCdfEdges(IReadOnlyList<(double NotDoneAt, double DoneBy)> intervals, out double width)
    {
        const int Bins = 64;
        const int Iterations = 40;
        var uppers = intervals.Select(i => i.DoneBy).Order().ToArray();
        var end = Math.Max(1e-3, Math.Min(uppers[^1], uppers[(int)Math.Floor(0.98 * (uppers.Length - 1))] * 1.25));
        width = end / Bins;
        var first = new int[intervals.Count];
        var cover = new double[intervals.Count][];
        for (var i = 0; i < intervals.Count; i++)
        {
            var lo = Math.Clamp(intervals[i].NotDoneAt, 0, end);
            var hi = Math.Clamp(intervals[i].DoneBy, lo, end);
            if (hi - lo < width * 1e-3)
            {
                lo = Math.Max(0, Math.Min(lo, end - (width * 1e-3)));
                hi = lo + (width * 1e-3);
            }

            var a = Math.Min(Bins - 1, (int)(lo / width));
            var b = Math.Max(a, Math.Min(Bins - 1, (int)Math.Ceiling(hi / width) - 1));
            first[i] = a;
            cover[i] = new double[b - a + 1];
            for (var j = a; j <= b; j++)
            {
                cover[i][j - a] = Math.Max(0, (Math.Min(hi, (j + 1) * width) - Math.Max(lo, j * width)) / width);
            }
        }

        var mass = Enumerable.Repeat(1.0 / Bins, Bins).ToArray();
        var next = new double[Bins];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Array.Clear(next);
            for (var i = 0; i < cover.Length; i++)
            {
                var total = 0.0;
                for (var k = 0; k < cover[i].Length; k++)
                {
                    total += cover[i][k] * mass[first[i] + k];
                }

                if (total <= 0)
                {
                    continue;
                }

                for (var k = 0; k < cover[i].Length; k++)
                {
                    next[first[i] + k] += cover[i][k] * mass[first[i] + k] / total;
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
        return cdf;
    }
}
