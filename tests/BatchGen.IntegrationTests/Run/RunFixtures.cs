using System.Globalization;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Run;

/// <summary>Manifests, providers files and key environments for run tests.</summary>
internal static class RunFixtures
{
    /// <summary>How long a test waits for a state it expects soon (a submit, a ledger row): generous, for a busy machine.</summary>
    public static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long an interrupted run may take to exit. A hang detector, not a speed check: on a loaded 2-core machine a
    /// clean stop can take many seconds.
    /// </summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Polls the ledger under <c>out/</c> (read-only, as `batchgen status` does) until its jobs satisfy
    /// <paramref name="done"/>; a ledger not yet created, or busy, is tried again. Throws after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitForLedgerAsync(TempDirectory dir, Func<IReadOnlyList<LedgerJob>, bool> done, TimeSpan timeout)
    {
        var path = Path.Combine(dir.Path, "out", "ledger.db");
        using var cts = new CancellationTokenSource(timeout);
        string last = "no ledger yet";
        try
        {
            while (true)
            {
                if (File.Exists(path))
                {
                    try
                    {
                        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(path, TimeProvider.System, cts.Token);
                        var jobs = new List<LedgerJob>();
                        await foreach (var job in ledger.ReadJobsAsync(cts.Token))
                        {
                            jobs.Add(job);
                        }

                        if (done(jobs))
                        {
                            return;
                        }

                        last = $"{jobs.Count} jobs: {string.Join(", ", jobs.GroupBy(j => j.State).Select(g => $"{g.Count()} {g.Key}"))}";
                    }
                    catch (Exception ex) when (ex is LedgerException or SqliteException)
                    {
                        last = ex.Message;
                    }
                }

                await Task.Delay(50, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"the ledger did not reach the awaited state within {timeout.TotalSeconds} s (last seen: {last})");
        }
    }

    /// <summary>Valid combinations on every provider: 5 s at 540p, with a 'take' variable axis in the prompt.</summary>
    public static string WriteManifest(TempDirectory dir, string name, int jobs, IReadOnlyList<string>? providers = null)
    {
        providers ??= ProviderNames.All;
        var seeds = (int)Math.Ceiling(jobs / (double)providers.Count);
        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"version: 1\nname: {name}");
        yaml.AppendLine("defaults:\n  prompt: \"a cat surfing a wave, take {take}\"\n  image_url: https://example.com/cat.png\n  duration: 5\n  resolution: 540p");
        yaml.AppendLine("matrix:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  provider: [{string.Join(", ", providers)}]");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  take: [{string.Join(", ", Enumerable.Range(1, seeds))}]");
        var extra = (seeds * providers.Count) - jobs;
        if (extra > 0)
        {
            yaml.AppendLine("exclude:");
            for (var i = 0; i < extra; i++)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"  - {{provider: {providers[i % providers.Count]}, take: {seeds - (i / providers.Count)}}}");
            }
        }

        return dir.Write($"{name}.yaml", yaml.ToString());
    }

    /// <summary>Every provider pointed at a simulator, with short polls for its 100x time scale.</summary>
    public static string WriteProvidersFile(TempDirectory dir, Uri simulator, int concurrency = 4, string rateLimit = "50/s", bool idempotentSubmits = false)
    {
        var yaml = new StringBuilder("providers:\n");
        foreach (var name in ProviderNames.All)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  {name}:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    base_url: {new Uri(simulator, name)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    concurrency: {concurrency}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    rate_limit: {rateLimit}");
            yaml.AppendLine("    nominal_latency_seconds: 0.5");
            yaml.AppendLine("    poll_interval_seconds: 0.1");
            yaml.AppendLine("    max_poll_interval_seconds: 0.3");
            yaml.AppendLine("    job_deadline_seconds: 120");
            if (idempotentSubmits)
            {
                yaml.AppendLine("    idempotent_submits: true");
            }
        }

        return dir.Write("providers.yaml", yaml.ToString());
    }

    /// <summary>A simulator scenario in which every provider honours Idempotency-Key.</summary>
    public static string WriteIdempotentScenario(TempDirectory dir)
    {
        var yaml = new StringBuilder("providers:\n");
        foreach (var name in ProviderNames.All)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  {name}:\n    honour_idempotency_key: true");
        }

        return dir.Write("idempotent-scenario.yaml", yaml.ToString());
    }

    public static Dictionary<string, string> KeyEnvironment() => new(StringComparer.Ordinal)
    {
        ["MAGNIFIC_API_KEY"] = "test-key-magnific",
        ["GMICLOUD_API_KEY"] = "test-key-gmicloud",
        ["AIMLAPI_API_KEY"] = "test-key-aimlapi",
        ["PIXWITH_API_KEY"] = "test-key-pixwith",
        ["SEGMIND_API_KEY"] = "test-key-segmind",
    };
}
