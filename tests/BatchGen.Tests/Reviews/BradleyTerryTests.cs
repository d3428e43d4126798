using BatchGen.Core.Reviews;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Reviews;

public class BradleyTerryTests
{
    /// <summary>Votes drawn from known log-strengths: every pair compared <paramref name="perPair"/> times.</summary>
    private static List<BradleyTerry.Game> Draw(double[] truth, int perPair, Random random)
    {
        var games = new List<BradleyTerry.Game>();
        for (var i = 0; i < truth.Length; i++)
        {
            for (var j = i + 1; j < truth.Length; j++)
            {
                for (var k = 0; k < perPair; k++)
                {
                    var aWins = random.NextDouble() < BradleyTerry.WinProbability(truth[i], truth[j]);
                    games.Add(new BradleyTerry.Game(i, j, aWins ? 1 : 0));
                }
            }
        }

        return games;
    }

    private static double[] Centred(double[] values)
    {
        var mean = values.Average();
        return values.Select(v => v - mean).ToArray();
    }

    [Fact]
    public void Fit_ClearPreferences_RecoversTheOrderAndTheGaps()
    {
        var truth = Centred([1.2, 0.4, -0.3, -1.3]);
        var games = Draw(truth, 400, new Random(7));

        var scores = BradleyTerry.Fit(truth.Length, games);

        scores.Select((s, i) => (s, i)).OrderByDescending(x => x.s).Select(x => x.i).ShouldBe([0, 1, 2, 3]);
        for (var i = 0; i < truth.Length; i++)
        {
            scores[i].ShouldBe(truth[i], 0.15);
        }
    }

    [Property(MaxTest = 25)]
    public Property Fit_WellSeparatedStrengths_OrderMatchesTheTruth(PositiveInt seed) =>
        Prop.ToProperty(OrderMatches(seed.Get));

    private static bool OrderMatches(int seed)
    {
        var random = new Random(seed);
        var truth = Centred(Enumerable.Range(0, 4).Select(i => i * 0.9).OrderBy(_ => random.Next()).ToArray());
        var scores = BradleyTerry.Fit(truth.Length, Draw(truth, 150, random));
        var expected = Enumerable.Range(0, 4).OrderByDescending(i => truth[i]);
        var actual = Enumerable.Range(0, 4).OrderByDescending(i => scores[i]);
        return expected.SequenceEqual(actual);
    }

    [Fact]
    public void Interval_OverManyExperiments_CoversTheTruthAtAboutTheNominalRate()
    {
        var covered = 0;
        var total = 0;
        for (var experiment = 0; experiment < 40; experiment++)
        {
            var random = new Random(1000 + experiment);
            var truth = Centred([0.8, 0.2, -0.1, -0.9]);
            var games = Draw(truth, 25, random);
            var intervals = BradleyTerry.Interval(truth.Length, games, 400, 0.95, experiment);
            for (var i = 0; i < truth.Length; i++)
            {
                total++;
                if (truth[i] >= intervals[i].Low && truth[i] <= intervals[i].High)
                {
                    covered++;
                }
            }
        }

        // 160 intervals at a nominal 95%: a binomial 99.9% band is about 0.89 to 0.99; the weak prior pulls toward 0.
        ((double)covered / total).ShouldBeInRange(0.86, 1.0);
    }

    [Fact]
    public void Fit_OnlyTies_ScoresEveryItemAlike()
    {
        var games = Enumerable.Range(0, 30).Select(_ => new BradleyTerry.Game(0, 1, 0.5)).ToList();

        var scores = BradleyTerry.Fit(2, games);

        scores[0].ShouldBe(0, 1e-9);
        scores[1].ShouldBe(0, 1e-9);
    }

    [Fact]
    public void Fit_UnbeatenItem_StaysFinite()
    {
        var games = Enumerable.Range(0, 50).Select(_ => new BradleyTerry.Game(0, 1, 1)).ToList();

        var scores = BradleyTerry.Fit(2, games);

        double.IsFinite(scores[0]).ShouldBeTrue();
        scores[0].ShouldBeGreaterThan(2);
        scores[1].ShouldBe(-scores[0], 1e-9);
    }

    [Fact]
    public void Interval_EveryVoteForOneSide_StillWideNotCertain()
    {
        // Two votes, both for item 0: every bootstrap resample is the same data, so the bootstrap alone gives a
        // zero-width interval; two votes must not read as certainty.
        var games = new List<BradleyTerry.Game> { new(0, 1, 1), new(0, 1, 1) };

        var intervals = BradleyTerry.Interval(2, games, 200, 0.95, 11);
        var scores = BradleyTerry.Fit(2, games);

        for (var i = 0; i < 2; i++)
        {
            scores[i].ShouldBeInRange(intervals[i].Low, intervals[i].High);
            (intervals[i].High - intervals[i].Low).ShouldBeGreaterThan(2.0, "a 95% interval from two votes spans several units of log-strength");
        }

        intervals[0].Low.ShouldBeLessThan(intervals[1].High, "two votes do not separate the items");
    }

    [Fact]
    public void Interval_SameSeed_SameBounds()
    {
        var games = Draw(Centred([0.5, -0.5]), 20, new Random(3));

        BradleyTerry.Interval(2, games, 200, 0.95, 11).ShouldBe(BradleyTerry.Interval(2, games, 200, 0.95, 11));
    }
}
