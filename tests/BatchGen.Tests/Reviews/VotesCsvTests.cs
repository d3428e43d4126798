using BatchGen.Core.Reviews;

namespace BatchGen.Tests.Reviews;

public sealed class VotesCsvTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_ValidFile_ReadsVotesWithTheirAxis()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1, 2]);
        var path = _temp.Write("votes.csv", "rater,winner,left_job_id,right_job_id,comment\nann,left,anime-1-magnific,clay-1-magnific,x\n,both_bad,anime-1-magnific,clay-2-magnific,\n");

        var (votes, errors) = VotesCsv.Read(path, ReviewTestJobs.Dimensions, jobs);

        errors.ShouldBeEmpty();
        votes.Count.ShouldBe(2);
        votes[0].ShouldBe(new ImportedVote("anime-1-magnific", "clay-1-magnific", VoteWinner.Left, "ann", "style"));
        votes[1].Rater.ShouldBe("import");
        votes[1].Axis.ShouldBeNull(); // differs in style and seed: kept, not ranked
    }

    [Fact]
    public void Read_BadRows_ReportsEveryProblemWithItsLineAndImportsNothing()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1]);
        var path = _temp.Write("votes.csv", "left_job_id,right_job_id,winner,rater\nanime-1-magnific,clay-1-magnific,lft,ann\nnope,clay-1-magnific,left,ann\nanime-1-magnific,anime-1-magnific,tie,ann\nanime-1-magnific,clay-1-magnific,right,ann\n");

        var (votes, errors) = VotesCsv.Read(path, ReviewTestJobs.Dimensions, jobs);

        votes.ShouldBeEmpty();
        errors.ShouldBe(
        [
            $"{path}:2: winner: 'lft' is not one of left, right, tie, both_bad",
            $"{path}:3: left_job_id: 'nope' is not a job of this batch",
            $"{path}:4: right_job_id: the same job as left_job_id",
        ]);
    }

    [Fact]
    public void Read_MissingHeaderColumn_SaysWhich()
    {
        var path = _temp.Write("votes.csv", "left_job_id,winner\na,left\n");

        var (_, errors) = VotesCsv.Read(path, ReviewTestJobs.Dimensions, ReviewTestJobs.Grid(["anime"], [1]));

        errors.Single().ShouldBe($"{path}:1: header lacks right_job_id (expected left_job_id,right_job_id,winner,rater)");
    }

    [Fact]
    public async Task WriteThenRead_RoundTrips()
    {
        var jobs = ReviewTestJobs.Grid(["anime", "clay"], [1]);
        var votes = new[] { new Vote(1, DateTimeOffset.UnixEpoch, "ann, the \"critic\"", "style", "anime-1-magnific", "clay-1-magnific", VoteWinner.Tie, "review") };
        var path = Path.Combine(_temp.Path, "out.csv");
        await using (var writer = new StreamWriter(path))
        {
            await VotesCsv.WriteAsync(writer, votes, default);
        }

        (await File.ReadAllTextAsync(path)).ShouldStartWith("left_job_id,right_job_id,winner,rater\n");
        var (read, errors) = VotesCsv.Read(path, ReviewTestJobs.Dimensions, jobs);

        errors.ShouldBeEmpty();
        read.Single().ShouldBe(new ImportedVote("anime-1-magnific", "clay-1-magnific", VoteWinner.Tie, "ann, the \"critic\"", "style"));
    }

    [Fact]
    public void NotYetRecorded_SameVotesAgain_AddsOnlyTheSurplus()
    {
        var existing = new[] { new Vote(1, DateTimeOffset.UnixEpoch, "ann", "style", "a", "b", VoteWinner.Left, "review") };
        var incoming = new[] { new ImportedVote("a", "b", VoteWinner.Left, "ann", "style"), new ImportedVote("a", "b", VoteWinner.Left, "ann", "style") };

        VotesCsv.NotYetRecorded(incoming, existing).Count.ShouldBe(1);
    }
}
