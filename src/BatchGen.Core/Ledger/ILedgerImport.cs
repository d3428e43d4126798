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

/// <summary>
/// Row counts of one batch (what a copy verifies): jobs, events, outputs, votes, ratings, jobs with a video check,
/// uploads of local images and webhook deliveries.
/// </summary>
public sealed record LedgerCounts(long Jobs, long Events, long Outputs, long Votes, long Ratings, long Checks, long Uploads, long Webhooks)
{
    public bool IsEmpty => Jobs == 0 && Events == 0 && Votes == 0 && Ratings == 0 && Checks == 0 && Uploads == 0 && Webhooks == 0;

    public override string ToString() =>
        $"{Jobs} jobs, {Events} events, {Outputs} outputs, {Votes} votes, {Ratings} ratings, {Checks} video checks, {Uploads} uploads, {Webhooks} webhook deliveries";
}

/// <summary>
/// Copied rows: jobs in their source order (with their outputs and video facts), events with their times, uploads of
/// local images in their source order, webhook deliveries, meta keys, review rows. Any part may be empty.
/// </summary>
public sealed record LedgerImportChunk
{
    public IReadOnlyList<LedgerJob> Jobs { get; init; } = [];

    public IReadOnlyList<LedgerEvent> Events { get; init; } = [];

    public IReadOnlyList<UploadRecord> Uploads { get; init; } = [];

    public IReadOnlyList<RecordedWebhook> Webhooks { get; init; } = [];

    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public Reviews.ReviewData Reviews { get; init; } = BatchGen.Core.Reviews.ReviewData.Empty;
}
