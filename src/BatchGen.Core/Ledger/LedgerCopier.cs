namespace BatchGen.Core.Ledger;

/// <summary>
/// Copies one batch between ledgers of any backends (<c>batchgen ledger copy</c>): jobs (with outputs and video
/// facts), events with their times, meta, votes, ratings and the latest video check per job. Refuses a target that
/// already holds rows unless forced (then it is cleared first), and verifies the target's counts afterwards.
/// </summary>
public static class LedgerCopier
{
    private const int JobChunk = 5_000;

    private const int EventChunk = 20_000;

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

        long jobs = 0, events = 0, outputs = 0;
        var jobChunk = new List<LedgerJob>(JobChunk);
        await foreach (var job in source.ReadJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            jobChunk.Add(job);
            jobs++;
            outputs += job.Outputs.Count;
            if (jobChunk.Count == JobChunk)
            {
                await target.ImportAsync(new LedgerImportChunk { Jobs = jobChunk }, cancellationToken).ConfigureAwait(false);
                jobChunk = new List<LedgerJob>(JobChunk);
            }
        }

        var eventChunk = new List<LedgerEvent>(EventChunk);
        await foreach (var e in source.ReadEventsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (jobChunk.Count > 0)
            {
                await target.ImportAsync(new LedgerImportChunk { Jobs = jobChunk }, cancellationToken).ConfigureAwait(false);
                jobChunk = [];
            }

            eventChunk.Add(e);
            events++;
            if (eventChunk.Count == EventChunk)
            {
                await target.ImportAsync(new LedgerImportChunk { Events = eventChunk }, cancellationToken).ConfigureAwait(false);
                eventChunk = new List<LedgerEvent>(EventChunk);
            }
        }

        var meta = await source.ReadMetaAsync(cancellationToken).ConfigureAwait(false);
        var reviews = await source.ReadReviewsAsync(cancellationToken).ConfigureAwait(false);
        await target.ImportAsync(new LedgerImportChunk { Jobs = jobChunk, Events = eventChunk, Meta = meta, Reviews = reviews }, cancellationToken).ConfigureAwait(false);

        var read = new LedgerCounts(jobs, events, outputs, reviews.Votes.Count, reviews.Ratings.Count, reviews.Checks.Count);
        var written = await target.CountAsync(cancellationToken).ConfigureAwait(false);
        if (written != read)
        {
            throw LedgerException.Create(target.Location, $"the copy does not match its source: read {read}, the target holds {written}", "run the copy again with --force");
        }

        return written;
    }
}
