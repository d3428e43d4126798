using System.Globalization;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Support;
using BatchGen.Ledger.Postgres;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>Simulator scenarios whose limits equal the providers file's, and reads of a batch in PostgreSQL.</summary>
internal static class FleetFixtures
{
    /// <summary>Every provider honours Idempotency-Key, with a per-key rate limit and tasks-in-flight cap.</summary>
    public static string WriteLimitedScenario(TempDirectory dir, int permitsPerSecond, int maxConcurrent)
    {
        var yaml = new StringBuilder("providers:\n");
        foreach (var name in ProviderNames.All)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  {name}:");
            yaml.AppendLine("    honour_idempotency_key: true");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    rate_limit: {{ permits: {permitsPerSecond}, period_seconds: 1, retry_after_header: true }}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    max_concurrent_tasks: {maxConcurrent}");
        }

        return dir.Write("limited-scenario.yaml", yaml.ToString());
    }

    public static async Task<List<LedgerJob>> ReadJobsAsync(string url, string batch)
    {
        await using var ledger = await PostgresLedger.OpenReadOnlyAsync(PostgresAddress.Parse(url), new PostgresBatch(batch), TimeProvider.System, CancellationToken.None);
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    /// <summary>Polls the batch until <paramref name="done"/> holds, bounded by <paramref name="timeout"/>.</summary>
    public static async Task WaitForAsync(string url, string batch, Func<IReadOnlyList<LedgerJob>, bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var last = "no batch yet";
        while (true)
        {
            try
            {
                var jobs = await ReadJobsAsync(url, batch);
                if (done(jobs))
                {
                    return;
                }

                last = string.Join(", ", jobs.GroupBy(j => j.State).Select(g => $"{g.Count()} {g.Key}"));
            }
            catch (LedgerException ex)
            {
                last = ex.Message;
            }

            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the batch did not reach the awaited state within {timeout.TotalSeconds} s (last seen: {last})");
            }
        }
    }
}
