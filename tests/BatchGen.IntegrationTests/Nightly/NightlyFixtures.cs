using System.Globalization;
using System.Text;
using BatchGen.Core.Ledger;

namespace BatchGen.IntegrationTests.Nightly;

/// <summary>Manifests and helpers for the night-in-miniature tests.</summary>
internal static class NightlyFixtures
{
    /// <summary>A manifest with <paramref name="jobs"/> jobs on magnific, output under out/{name}-... as <paramref name="dir"/> says.</summary>
    public static string WriteManifest(TempDirectory temp, string name, int jobs, string dir, string extra = "", int concurrency = 2)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"version: 1\nname: {name}\ntimezone: Europe/Paris");
        yaml.AppendLine("defaults:\n  duration: 5\n  resolution: 540p\n  prompt: \"a lighthouse at dusk, take {take}\"\n  image_url: https://example.com/lighthouse.png");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"matrix:\n  provider: [magnific]\n  take: [{string.Join(", ", Enumerable.Range(1, jobs))}]");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"output:\n  dir: \"{dir}\"\n  filename: \"{{provider}}/{{date}}-{{job_id}}.mp4\"");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"providers:\n  magnific: {{concurrency: {concurrency}}}");
        yaml.Append(extra);
        return temp.Write($"{name}.yaml", yaml.ToString());
    }

    public static async Task<List<LedgerJob>> ReadLedgerAsync(string outputDirectory)
    {
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(outputDirectory, "ledger.db"), TimeProvider.System, CancellationToken.None);
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    /// <summary>The dollars of the summary line ("...; spent $4.50").</summary>
    public static decimal Spent(string stdout)
    {
        var at = stdout.IndexOf("spent $", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, stdout);
        var text = new string(stdout[(at + 7)..].TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        return decimal.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds or the process exits.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, System.Diagnostics.Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!cts.IsCancellationRequested)
        {
            if (condition())
            {
                return true;
            }

            if (process.HasExited)
            {
                return false;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return condition();
    }
}
