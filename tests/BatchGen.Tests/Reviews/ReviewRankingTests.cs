using BatchGen.Core.Reviews;

namespace BatchGen.Tests.Reviews;

public class ReviewRankingTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static Vote Vote(string left, string right, VoteWinner winner, string axis = "style", string rater = "ann") =>
        new(0, Time, rater, axis, left, right, winner, "review");

    [Fact]
    public void Build_ManyVotesForOneStyle_CallsItTheWinner()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2, 3]);
        var votes = Enumerable.Range(0, 40).Select(i => Vote($"anime-{(i % 3) + 1}-magnific", $"clay-{(i % 3) + 1}-magnific", i % 10 == 0 ? VoteWinner.Right : VoteWinner.Left)).ToList();

        var ranking = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, votes, []);

        var style = ranking.Verdicts.Single(v => v.Axis == "style");
        style.Winner.ShouldBe("anime");
        style.MoreVotesNeeded.ShouldBeNull();
        var anime = ranking.RowOf("style", "anime")!;
        anime.IsWinner.ShouldBeTrue();
        anime.Votes.ShouldBe(40);
        anime.WinRate!.Value.ShouldBe(0.9, 1e-9);
        anime.ScoreLow!.Value.ShouldBeGreaterThan(ranking.RowOf("style", "clay")!.ScoreHigh!.Value);
    }

    [Fact]
    public void Build_FewSplitVotes_NamesNoWinnerAndEstimatesTheVotesNeeded()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2, 3]);
        VoteWinner[] outcomes = [VoteWinner.Left, VoteWinner.Left, VoteWinner.Right, VoteWinner.Left, VoteWinner.Left, VoteWinner.Right];
        var votes = outcomes.Select((w, i) => Vote($"anime-{(i % 3) + 1}-magnific", $"clay-{(i % 3) + 1}-magnific", w)).ToList();

        var verdict = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, votes, []).Verdicts.Single(v => v.Axis == "style");

        verdict.Winner.ShouldBeNull();
        verdict.MoreVotesNeeded.ShouldNotBeNull();
        verdict.MoreVotesNeeded!.Value.ShouldBeGreaterThan(0);
        verdict.Summary.ShouldContain("more votes");
    }

    [Fact]
    public void Build_BothBadVotes_CountedButCarryNoPreference()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1]);
        var votes = new[] { Vote("anime-1-magnific", "clay-1-magnific", VoteWinner.BothBad), Vote("clay-1-magnific", "anime-1-magnific", VoteWinner.BothBad) };

        var ranking = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, votes, []);

        var anime = ranking.RowOf("style", "anime")!;
        anime.Votes.ShouldBe(2);
        anime.BothBad.ShouldBe(2);
        anime.Score.ShouldBeNull();
        anime.WinRate.ShouldBeNull();
        ranking.Verdicts.Single(v => v.Axis == "style").Summary.ShouldContain("both-bad");
    }

    [Fact]
    public void Build_TiesCountHalf()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1]);
        var votes = new[] { Vote("anime-1-magnific", "clay-1-magnific", VoteWinner.Tie), Vote("anime-1-magnific", "clay-1-magnific", VoteWinner.Left) };

        var anime = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, votes, []).RowOf("style", "anime")!;

        anime.Wins.ShouldBe(1.5);
        anime.WinRate!.Value.ShouldBe(0.75, 1e-9);
    }

    [Fact]
    public void Build_VoteOnAnotherAxis_DoesNotMoveThisAxis()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2]);
        var votes = new[] { Vote("anime-1-magnific", "anime-2-magnific", VoteWinner.Left, axis: "seed") };

        var ranking = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, votes, []);

        ranking.RowOf("style", "anime")!.Votes.ShouldBe(0);
        ranking.RowOf("seed", "1")!.Votes.ShouldBe(1);
    }

    [Fact]
    public void Build_Ratings_LatestPerRaterCountsWithAnInterval()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2, 3]);
        var ratings = new List<Rating>
        {
            new(1, Time, "ann", "anime-1-magnific", 1, false, [], null),
            new(2, Time, "ann", "anime-1-magnific", 5, false, [], null), // replaces the 1 above
            new(3, Time, "bob", "anime-2-magnific", 4, false, ["sharp"], "nice"),
            new(4, Time, "ann", "anime-3-magnific", null, true, [], null),
        };

        var anime = ReviewRanking.Build(ReviewTestJobs.Dimensions, jobs, [], ratings).RowOf("style", "anime")!;

        anime.Ratings.ShouldBe(2);
        anime.MeanRating!.Value.ShouldBe(4.5, 1e-9);
        anime.Rejects.ShouldBe(1);
        anime.MeanRatingLow!.Value.ShouldBeLessThan(4.5);
        anime.MeanRatingHigh!.Value.ShouldBe(5); // clamped to the scale
    }
}
