using BatchGen.Core.Ledger;

namespace BatchGen.Cli.Bench;

/// <summary>What the bench reads back from a finished run's ledger: size, successes, and each provider's last completion.</summary>
internal sealed record LedgerFigures(long Bytes, long Succeeded, IReadOnlyDictionary<string, DateTimeOffset> LastCompletion)
{
    public static async Task<LedgerFigures> ReadAsync(string outputDirectory, TimeProvider time, CancellationToken cancellationToken)
    {
        var path = Path.Combine(outputDirectory, "ledger.db");
        if (!File.Exists(path))
        {
            return new LedgerFigures(0, 0, new Dictionary<string, DateTimeOffset>());
        }

        // The files a user would keep: the database and whatever its write-ahead log still holds.
        var bytes = new[] { path, path + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        long succeeded = 0;
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(path, time, cancellationToken).ConfigureAwait(false);
        await foreach (var job in ledger.ReadJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (job.State == JobState.Succeeded)
            {
                succeeded++;
            }

            if (job.CompletedAt is { } done && (!last.TryGetValue(job.Provider, out var seen) || done > seen))
            {
                last[job.Provider] = done;
            }
        }

        return new LedgerFigures(bytes, succeeded, last);
    }
}
