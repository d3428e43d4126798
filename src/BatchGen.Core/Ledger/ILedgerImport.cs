namespace BatchGen.Core.Ledger;

/// <summary>
/// A ledger that takes a batch copied from another backend (<c>batchgen ledger copy</c>): rows are written as they
/// were (event times, states, costs, outputs), not replayed through <see cref="ILedger.AppendAsync"/>.
/// </summary>
public interface ILedgerImport : ILedger
{
    /// <summary>How many rows of each kind the batch holds.</summary>
    Task<LedgerCounts> CountAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every row of the batch (a forced copy over a non-empty target), in one transaction.</summary>
    Task ClearAsync(CancellationToken cancellationToken);

    /// <summary>Writes one chunk of copied rows in one transaction (jobs before their events).</summary>
    Task ImportAsync(LedgerImportChunk chunk, CancellationToken cancellationToken);
}

/// <summary>Row counts of one batch (what a copy verifies).</summary>
public sealed record LedgerCounts(long Jobs, long Events, long Outputs, long Votes, long Ratings, long Checks)
{
    public bool IsEmpty => Jobs == 0 && Events == 0 && Votes == 0 && Ratings == 0 && Checks == 0;

    public override string ToString() =>
        $"{Jobs} jobs, {Events} events, {Outputs} outputs, {Votes} votes, {Ratings} ratings, {Checks} video checks";
}

/// <summary>
/// Copied rows: jobs in their source order (with their outputs and video facts), events with their times, meta keys,
/// review rows. Any part may be empty.
/// </summary>
public sealed record LedgerImportChunk
{
    public IReadOnlyList<LedgerJob> Jobs { get; init; } = [];

    public IReadOnlyList<LedgerEvent> Events { get; init; } = [];

    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public Reviews.ReviewData Reviews { get; init; } = BatchGen.Core.Reviews.ReviewData.Empty;
}
