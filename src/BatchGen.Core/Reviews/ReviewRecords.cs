namespace BatchGen.Core.Reviews;

/// <summary>The outcome of one blind pairwise comparison.</summary>
public enum VoteWinner
{
    Left,
    Right,
    Tie,

    /// <summary>Neither video is acceptable: recorded and counted, but no information about which is better.</summary>
    BothBad,
}

/// <summary>Text forms of <see cref="VoteWinner"/> (<c>left</c>, <c>right</c>, <c>tie</c>, <c>both_bad</c>), as stored and exchanged in CSV.</summary>
public static class VoteWinners
{
    public static IReadOnlyList<string> Names { get; } = ["left", "right", "tie", "both_bad"];

    public static string Name(VoteWinner winner) => winner switch
    {
        VoteWinner.Left => "left",
        VoteWinner.Right => "right",
        VoteWinner.Tie => "tie",
        _ => "both_bad",
    };

    public static bool TryParse(string? text, out VoteWinner winner)
    {
        winner = VoteWinner.Tie;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "left": winner = VoteWinner.Left; return true;
            case "right": winner = VoteWinner.Right; return true;
            case "tie": winner = VoteWinner.Tie; return true;
            case "both_bad" or "both-bad" or "bothbad": winner = VoteWinner.BothBad; return true;
            default: return false;
        }
    }
}

/// <summary>One pairwise vote as appended to the ledger.</summary>
/// <param name="Axis">The axis the two jobs differ in (null when they differ in several or none: kept, not ranked).</param>
/// <param name="Source">Where it came from: <c>review</c> (the app) or <c>import</c> (a CSV).</param>
public sealed record Vote(
    long Seq,
    DateTimeOffset Time,
    string Rater,
    string? Axis,
    string LeftJobId,
    string RightJobId,
    VoteWinner Winner,
    string Source);

/// <summary>One rating of one video: stars (1-5) and/or a reject, free tags and a note. The latest per rater counts.</summary>
public sealed record Rating(
    long Seq,
    DateTimeOffset Time,
    string Rater,
    string JobId,
    int? Stars,
    bool Rejected,
    IReadOnlyList<string> Tags,
    string? Note);

/// <summary>The latest automatic check of a job's video (for the file with that SHA-256): figures, or why it failed.</summary>
public sealed record StoredCheck(string JobId, string? Sha256, VideoCheck? Check, string? Error);

/// <summary>Everything reviewers and the automatic checks added to a batch's ledger.</summary>
public sealed record ReviewData(IReadOnlyList<Vote> Votes, IReadOnlyList<Rating> Ratings, IReadOnlyDictionary<string, StoredCheck> Checks)
{
    public static ReviewData Empty { get; } = new([], [], new Dictionary<string, StoredCheck>(StringComparer.Ordinal));
}
