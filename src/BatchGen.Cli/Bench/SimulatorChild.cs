using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BatchGen.Cli.Bench;

/// <summary>
/// <c>batchgen sim</c> as a child process of the bench, so that the client's CPU and memory are its own. Port 0 (the
/// kernel picks a free one); ready once it prints its <c>listening on http://...</c> line.
/// </summary>
internal sealed partial class SimulatorChild : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly BenchChild _child;
    private readonly HttpClient _http;

    private SimulatorChild(BenchChild child, Uri baseAddress)
    {
        _child = child;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The simulator's CPU time so far (it shares the machine's cores with the client); null if it is gone.</summary>
    public TimeSpan? Cpu => ProcessUsage.CpuOf(_child.Id);

    public static async Task<SimulatorChild> StartAsync(string scenarioFile, double timeScale, string directory, CancellationToken cancellationToken)
    {
        var child = BenchChild.Start(
            ["sim", "--port", "0", "--scenario", scenarioFile, "--time-scale", timeScale.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(),
            directory,
            Path.Combine(directory, "simulator.log"));
        try
        {
            var line = await child.WaitForLineAsync(l => Listening().IsMatch(l), StartTimeout, cancellationToken).ConfigureAwait(false);
            return new SimulatorChild(child, new Uri(Listening().Match(line).Groups["url"].Value.TrimEnd('/') + "/"));
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Per provider: API requests so far (submit attempts, polls, and the requests refused by the rate limit before they
    /// were either) and the throttled replies among them (rate limit and cap on tasks in flight).
    /// </summary>
    public async Task<Dictionary<string, (long Requests, long Throttled)>> CountsAsync(CancellationToken cancellationToken)
    {
        using var stats = JsonDocument.Parse(await _http.GetStringAsync(new Uri("_sim/stats", UriKind.Relative), cancellationToken).ConfigureAwait(false));
        var counts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var provider in stats.RootElement.GetProperty("providers").EnumerateObject())
        {
            var p = provider.Value;
            counts[provider.Name] = (
                p.GetProperty("submit_attempts").GetInt64() + p.GetProperty("polls").GetInt64() + p.GetProperty("rate_limited").GetInt64(),
                p.GetProperty("rate_limited").GetInt64() + p.GetProperty("concurrency_limited").GetInt64());
        }

        return counts;
    }

    /// <summary>The simulator's request log (<c>GET /_sim/requests</c>) as it is, into <paramref name="path"/>.</summary>
    public async Task SaveRequestLogAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("_sim/requests", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: false);
        await using (file.ConfigureAwait(false))
        {
            await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _child.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex(@"listening on (?<url>http://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();
}
