using BatchGen.Core.Ledger;
using BatchGen.Core.Reviews;
using BatchGen.Ledger.Postgres;

namespace BatchGen.Cli.Ledger;

/// <summary>Opens the ledger a selection names, whichever backend holds it (the one place that knows the backends).</summary>
internal static class LedgerStores
{
    /// <summary>The ledger of a run: created when new, migrated, locked for this run.</summary>
    public static async Task<ILedger> OpenForRunAsync(LedgerSelection selection, string batchName, string outputDirectory, TimeProvider time, LedgerOpenOptions options, CancellationToken cancellationToken)
    {
        if (selection.IsPostgres)
        {
            var address = Parse(selection);
            // Every run on a PostgreSQL ledger is one worker of the batch's fleet: others may run it at the same time.
            return await PostgresLedger.OpenForWorkerAsync(address, new PostgresBatch(batchName, selection.BatchId), time, cancellationToken).ConfigureAwait(false);
        }

        return await SqliteLedger.OpenAsync(selection.Address ?? Path.Combine(outputDirectory, "ledger.db"), time, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A batch's ledger for reading only (status, report, export).</summary>
    public static async Task<ILedger> OpenReadOnlyAsync(LedgerTarget target, CancellationToken cancellationToken) =>
        target.Postgres is { } address
            ? await PostgresLedger.OpenReadOnlyAsync(address, target.Batch!, TimeProvider.System, cancellationToken).ConfigureAwait(false)
            : await SqliteLedger.OpenReadOnlyAsync(target.SqlitePath!, TimeProvider.System, cancellationToken).ConfigureAwait(false);

    /// <summary>The store votes, ratings and video checks go to.</summary>
    public static async Task<IReviewStore> OpenReviewStoreAsync(LedgerTarget target, CancellationToken cancellationToken)
    {
        if (target.Postgres is { } address)
        {
            var ledger = await PostgresLedger.OpenReadOnlyAsync(address, target.Batch!, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return ledger.CreateReviewStore(owner: ledger);
        }

        return ReviewStore.Open(target.SqlitePath!, TimeProvider.System);
    }

    /// <summary>Parses an address already checked by <see cref="LedgerSelection.Problem"/>; a bad one is a not-a-ledger refusal (exit 2).</summary>
    public static PostgresAddress Parse(LedgerSelection selection)
    {
        try
        {
            return PostgresAddress.Parse(selection.Address!);
        }
        catch (ArgumentException ex)
        {
            throw LedgerException.Create("--ledger", ex.Message, "pass postgres://user:password@host:port/database or Host=...;Database=...", failure: LedgerFailure.NotALedger);
        }
    }
}
