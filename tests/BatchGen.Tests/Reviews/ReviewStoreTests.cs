using BatchGen.Core.Ledger;
using BatchGen.Core.Reviews;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace BatchGen.Tests.Reviews;

public sealed class ReviewStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private string LedgerPath => Path.Combine(_temp.Path, "ledger.db");

    public void Dispose() => _temp.Dispose();

    private async Task CreateLedgerAsync()
    {
        var ledger = await SqliteLedger.OpenAsync(LedgerPath, _time, default);
        await ledger.DisposeAsync();
    }

    [Fact]
    public async Task AppendVoteAndRating_ReadBackAfterReopening()
    {
        await CreateLedgerAsync();
        using (var store = ReviewStore.Open(LedgerPath, _time))
        {
            store.AppendVote("ann", "style", "a", "b", VoteWinner.BothBad, "review").Seq.ShouldBe(1);
            store.AppendRating("bob", "a", 4, false, ["sharp", "warm"], "good light");
        }

        using var reopened = ReviewStore.Open(LedgerPath, _time);
        reopened.ReadVotes().Single().ShouldBe(new Vote(1, _time.GetUtcNow(), "ann", "style", "a", "b", VoteWinner.BothBad, "review"));
        var rating = reopened.ReadRatings().Single();
        (rating.Rater, rating.JobId, rating.Stars, rating.Rejected, rating.Note).ShouldBe(("bob", "a", (int?)4, false, (string?)"good light"));
        rating.Tags.ShouldBe(["sharp", "warm"]);
    }

    [Fact]
    public async Task Votes_AreAppendOnly()
    {
        await CreateLedgerAsync();
        using (var store = ReviewStore.Open(LedgerPath, _time))
        {
            store.AppendVote("ann", "style", "a", "b", VoteWinner.Left, "review");
        }

        await using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE votes SET winner = 'right';";
        (await Should.ThrowAsync<SqliteException>(() => command.ExecuteNonQueryAsync())).Message.ShouldContain("append-only");
    }

    [Fact]
    public async Task Open_LedgerWrittenBeforeReviews_AddsTheTablesOnce()
    {
        // The file as the first version left it (schema 1: no reviews, no video facts, no outputs).
        await using (var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False"))
        {
            await connection.OpenAsync();
            LedgerSchema.Create(connection, _time.GetUtcNow(), version: 1);
        }

        using (var first = ReviewStore.Open(LedgerPath, _time))
        using (var second = ReviewStore.Open(LedgerPath, _time))
        {
            first.AppendVote("ann", null, "a", "b", VoteWinner.Tie, "import");
            second.ReadVotes().Count.ShouldBe(1);
        }

        var ledger = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, _time, default);
        await using (ledger)
        {
            (await ledger.ReadReviewsAsync(default)).Votes.Count.ShouldBe(1);
        }
    }

    [Fact]
    public void Open_NotALedger_IsRefused()
    {
        File.WriteAllText(LedgerPath, "not a database at all, just text");

        Should.Throw<LedgerException>(() => ReviewStore.Open(LedgerPath, _time));
    }
}
