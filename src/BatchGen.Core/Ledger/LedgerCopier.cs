namespace BatchGen.Core.Ledger;

/// <summary>
/// Copies one batch between ledgers of any backends (<c>batchgen ledger copy</c>): jobs (with outputs, stored objects
/// and video facts), events with their times, uploads of local images, webhook deliveries, meta, votes, ratings and the
/// latest video check per job. Refuses a target that already holds rows unless forced (then it is cleared first), and
/// verifies the target's counts afterwards. Rows are streamed from the source and written in chunks, one transaction
/// each: no table is held in memory whole (reviews and meta excepted: they are small).
/// </summary>
public static class LedgerCopier
{
    private const int JobChunk = 5_000;

    private const int RowChunk = 20_000;

    public static async Task<LedgerCounts> CopyAsync(ILedger source, ILedgerImport target, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var before = await target.CountAsync(cancellationToken).ConfigureAwait(false);
        if (!before.IsEmpty)
        {
            if (!force)
            {
                throw LedgerException.Create(target.Location, $"the target batch is not empty ({before})", "copy into an empty batch, or pass --force to replace what it holds");
            }

            await target.ClearAsync(cancellationToken).ConfigureAwait(false);
        }

        long outputs = 0;
        var jobs = await CopyInChunksAsync(
            source.ReadJobsAsync(cancellationToken), JobChunk, rows => new LedgerImportChunk { Jobs = rows }, target, job => outputs += job.Outputs.Count, cancellationToken).ConfigureAwait(false);
        var events = await CopyInChunksAsync(
            source.ReadEventsAsync(null, cancellationToken), RowChunk, rows => new LedgerImportChunk { Events = rows }, target, null, cancellationToken).ConfigureAwait(false);
        var uploads = await CopyInChunksAsync(
            source.ReadUploadsAsync(cancellationToken), RowChunk, rows => new LedgerImportChunk { Uploads = rows }, target, null, cancellationToken).ConfigureAwait(false);
        var webhooks = await CopyInChunksAsync(
            source.ReadWebhooksAsync(cancellationToken), RowChunk, rows => new LedgerImportChunk { Webhooks = rows }, target, null, cancellationToken).ConfigureAwait(false);

        var meta = await source.ReadMetaAsync(cancellationToken).ConfigureAwait(false);
        var reviews = await source.ReadReviewsAsync(cancellationToken).ConfigureAwait(false);
        await target.ImportAsync(new LedgerImportChunk { Meta = meta, Reviews = reviews }, cancellationToken).ConfigureAwait(false);

        var read = new LedgerCounts(jobs, events, outputs, reviews.Votes.Count, reviews.Ratings.Count, reviews.Checks.Count, uploads, webhooks);
        var written = await target.CountAsync(cancellationToken).ConfigureAwait(false);
        if (written != read)
        {
            throw LedgerException.Create(target.Location, $"the copy does not match its source: read {read}, the target holds {written}", "run the copy again with --force");
        }

        return written;
    }

    /// <summary>Streams <paramref name="rows"/> into the target, <paramref name="size"/> rows per chunk; returns how many were read.</summary>
    private static async Task<long> CopyInChunksAsync<T>(
        IAsyncEnumerable<T> rows, int size, Func<IReadOnlyList<T>, LedgerImportChunk> chunk, ILedgerImport target, Action<T>? each, CancellationToken cancellationToken)
    {
        long count = 0;
        var pending = new List<T>(size);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            each?.Invoke(row);
            pending.Add(row);
            count++;
            if (pending.Count == size)
            {
                await target.ImportAsync(chunk(pending), cancellationToken).ConfigureAwait(false);
                pending = new List<T>(size);
            }
        }

        if (pending.Count > 0)
        {
            await target.ImportAsync(chunk(pending), cancellationToken).ConfigureAwait(false);
        }

        return count;
    }
}
