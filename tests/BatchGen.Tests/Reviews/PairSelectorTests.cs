using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;

namespace BatchGen.Tests.Reviews;

public class PairSelectorTests
{
    [Fact]
    public void Candidates_DifferInTheChosenAxisOnly()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay", "ink"], [1, 2], [ProviderNames.Magnific, ProviderNames.Segmind]);

        var pairs = PairSelector.Candidates(ReviewTestJobs.Dimensions, jobs, "style").ToList();

        pairs.Count.ShouldBe(2 * 2 * 3); // per (seed, provider): 3 styles give 3 pairs
        foreach (var (a, b) in pairs)
        {
            JobAxes.ValueOf(a, "style").ShouldNotBe(JobAxes.ValueOf(b, "style"));
            JobAxes.ValueOf(a, "seed").ShouldBe(JobAxes.ValueOf(b, "seed"));
            a.Provider.ShouldBe(b.Provider);
            PairSelector.DifferingAxis(ReviewTestJobs.Dimensions, a, b).ShouldBe("style");
        }
    }

    [Fact]
    public void Candidates_SkipJobsWithoutAVideo()
    {
        var jobs = new List<LedgerJob> { ReviewTestJobs.Job("anime", 1), ReviewTestJobs.Job("clay", 1, state: JobState.Failed) };

        PairSelector.Candidates(ReviewTestJobs.Dimensions, jobs, "style").ShouldBeEmpty();
    }

    [Fact]
    public void Next_PrefersThePairWithFewestVotes()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2]);
        var votes = new List<Vote> { new(1, DateTimeOffset.UnixEpoch, "ann", "style", "anime-1-magnific", "clay-1-magnific", VoteWinner.Left, "review") };
        var selector = new PairSelector(new Random(5));

        for (var i = 0; i < 20; i++)
        {
            var pair = selector.Next(ReviewTestJobs.Dimensions, jobs, "style", votes)!;
            new[] { pair.Left.Id, pair.Right.Id }.Order().ShouldBe(["anime-2-magnific", "clay-2-magnific"]);
            pair.PriorVotes.ShouldBe(0);
        }
    }

    [Fact]
    public void Next_RandomisesSides()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1]);
        var selector = new PairSelector(new Random(9));

        var lefts = Enumerable.Range(0, 40).Select(_ => selector.Next(ReviewTestJobs.Dimensions, jobs, "style", [])!.Left.Id).ToHashSet();

        lefts.Count.ShouldBe(2);
    }

    [Fact]
    public void Next_NoComparablePair_ReturnsNull()
    {
        var jobs = new List<LedgerJob> { ReviewTestJobs.Job("anime", 1), ReviewTestJobs.Job("clay", 2) };

        new PairSelector(new Random(1)).Next(ReviewTestJobs.Dimensions, jobs, "style", []).ShouldBeNull();
    }
}
