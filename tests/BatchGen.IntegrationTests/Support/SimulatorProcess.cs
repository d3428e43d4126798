using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BatchGen.IntegrationTests.Support;

/// <summary>
/// `batchgen sim` as its own process, so that it outlives the `batchgen run` processes a test kills: remote tasks
/// survive the client's crash, as they would at a real provider. It binds port 0 (the kernel picks a free port, no
/// race with other tests) and is ready when it prints its `listening on http://...` line.
/// </summary>
public sealed partial class SimulatorProcess : IAsyncDisposable
{
    /// <summary>How long a start may take on a busy machine before the test gives up (and kills the child).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private readonly CliChild _child;

    private SimulatorProcess(CliChild child, Uri baseAddress)
    {
        _child = child;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<SimulatorProcess> StartAsync(string workingDirectory, params string[] extraArgs)
    {
        var child = CliProcess.Start(workingDirectory, null, ["sim", "--port", "0", .. extraArgs]);
        try
        {
            var line = await child.WaitForLineAsync(l => ListeningLine().IsMatch(l), StartTimeout);
            var address = new Uri(ListeningLine().Match(line).Groups["url"].Value.TrimEnd('/') + "/");
            return new SimulatorProcess(child, address);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Per Idempotency-Key submit counts from /_sim/stats.</summary>
    public async Task<Dictionary<string, int>> IdempotencyCountsAsync()
    {
        using var stats = await StatsAsync();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in stats.RootElement.GetProperty("idempotency_keys").EnumerateObject())
        {
            counts[key.Name] = key.Value.GetInt32();
        }

        return counts;
    }

    public async Task<JsonDocument> StatsAsync() =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(BaseAddress, "_sim/stats")));

    /// <summary>Submits the simulator has received so far, all providers together.</summary>
    public async Task<int> TotalSubmitsAsync()
    {
        using var stats = await StatsAsync();
        return stats.RootElement.GetProperty("providers").EnumerateObject().Sum(p => p.Value.GetProperty("submits").GetInt32());
    }

    /// <summary>Polls the stats (bounded by <paramref name="timeout"/>) until at least <paramref name="count"/> submits arrived.</summary>
    public async Task WaitForSubmitsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = 0;
        try
        {
            while ((seen = await TotalSubmitsAsync()) < count)
            {
                await Task.Delay(25, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"the simulator saw {seen} submits, not {count}, within {timeout.TotalSeconds} s"));
        }
    }

    /// <summary>The simulator's output so far, for failure messages.</summary>
    public string RecentOutput => _child.StdOut + _child.StdErr;

    public ValueTask DisposeAsync() => _child.DisposeAsync();

    [GeneratedRegex(@"listening on (?<url>http://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
