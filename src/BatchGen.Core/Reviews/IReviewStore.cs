namespace BatchGen.Core.Reviews;

/// <summary>
/// Where a batch's votes, ratings and video checks are appended (its ledger, whatever backend holds it). Each append
/// is durable when the call returns; several stores may write one batch at once.
/// </summary>
public interface IReviewStore : IDisposable
{
    /// <summary>The ledger the store writes to, for messages (no password).</summary>
    string Location { get; }

    /// <summary>Appends a vote; returns it with its sequence number and time.</summary>
    Vote AppendVote(string rater, string? axis, string leftJobId, string rightJobId, VoteWinner winner, string source);

    /// <summary>Appends imported votes in one transaction: all of them or none.</summary>
    int AppendVotes(IReadOnlyList<ImportedVote> votes, string source);

    /// <summary>Appends a rating; the latest rating of a job by a rater replaces that rater's earlier ones in rankings.</summary>
    Rating AppendRating(string rater, string jobId, int? stars, bool rejected, IReadOnlyList<string> tags, string? note);

    /// <summary>Records the automatic check of a job's video (or why it could not be checked).</summary>
    void AppendCheck(string jobId, string? sha256, VideoCheck? check, string? error);

    /// <summary>The latest check per job.</summary>
    IReadOnlyDictionary<string, StoredCheck> ReadChecks();

    /// <summary>Every vote, oldest first.</summary>
    IReadOnlyList<Vote> ReadVotes();

    /// <summary>Every rating, oldest first.</summary>
    IReadOnlyList<Rating> ReadRatings();
}
