using System.Globalization;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.Ledger.Postgres;

namespace BatchGen.IntegrationTests.Ledger;

/// <summary>Reads a PostgreSQL batch as `status` does, and waits (bounded) for a state of it.</summary>
internal static class PostgresWait
{
    public static async Task<List<LedgerJob>> ReadAsync(PostgresAddress address, PostgresBatch batch)
    {
        await using var ledger = await PostgresLedger.OpenReadOnlyAsync(address, batch, TimeProvider.System, CancellationToken.None);
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    /// <summary>Polls the batch (read-only) until <paramref name="done"/> holds; bounded by <see cref="RunFixtures.StateTimeout"/>.</summary>
    public static async Task ForAsync(PostgresAddress address, PostgresBatch batch, Func<IReadOnlyList<LedgerJob>, bool> done)
    {
        using var cts = new CancellationTokenSource(RunFixtures.StateTimeout);
        var last = "no batch yet";
        while (true)
        {
            try
            {
                var jobs = await ReadAsync(address, batch);
                if (done(jobs))
                {
                    return;
                }

                last = string.Join(", ", jobs.GroupBy(j => j.State).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key}")));
            }
            catch (LedgerException ex)
            {
                last = ex.Message;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the batch did not reach the awaited state (last seen: {last})");
            }
        }
    }
}
