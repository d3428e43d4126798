using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace BatchGen.IntegrationTests.Support;

/// <summary>
/// `batchgen sim` as its own process on a free loopback port, so that it outlives the `batchgen run` processes a
/// test kills: remote tasks survive the client's crash, as they would at a real provider.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private SimulatorProcess(Process process, int port)
    {
        _process = process;
        // Drain both pipes so a chatty simulator never blocks on a full pipe; keep the last lines for failures.
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public static async Task<SimulatorProcess> StartAsync(string workingDirectory, params string[] extraArgs)
    {
        var port = FreePort();
        var process = CliProcess.Start(workingDirectory, null, ["sim", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArgs]);
        var sim = new SimulatorProcess(process, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 150; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"batchgen sim exited with {process.ExitCode}: {sim.RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(sim.BaseAddress, "_sim/stats"));
                if (response.IsSuccessStatusCode)
                {
                    return sim;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await sim.DisposeAsync();
        throw new TimeoutException("batchgen sim did not start listening within 15 s");
    }

    /// <summary>Per Idempotency-Key submit counts from /_sim/stats.</summary>
    public async Task<Dictionary<string, int>> IdempotencyCountsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseAddress, "_sim/stats")));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in stats.RootElement.GetProperty("idempotency_keys").EnumerateObject())
        {
            counts[key.Name] = key.Value.GetInt32();
        }

        return counts;
    }

    public async Task<JsonDocument> StatsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseAddress, "_sim/stats")));
    }

    /// <summary>The simulator's last lines of output, for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _log);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 50 && _log.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
