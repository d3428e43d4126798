using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchGen.Simulator;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace BatchGen.Benchmarks;

/// <summary>
/// Simulator throughput on loopback: status polls (Magnific GET of a completed task, which signs a result URL and logs the
/// request) and result downloads (a 20 MB MP4 streamed to nowhere), each with 16 concurrent requests from one HttpClient.
/// Per-operation means convert to rates: polls/s = 1e9 / mean(ns); MB/s = FileMegabytes x 1e9 / mean(ns).
/// Run: dotnet run -c Release --project benchmarks/BatchGen.Benchmarks -- --filter '*SimulatorBenchmarks*'
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class SimulatorBenchmarks
{
    public const int Polls = 4000;
    public const int Downloads = 32;
    private const int Concurrency = 16;

    private SimulatorHost host = null!;
    private HttpClient client = null!;
    private string pollPath = string.Empty;
    private Uri downloadUrl = null!;

    /// <summary>Size of the downloaded file, for the MB/s figure.</summary>
    public long FileBytes { get; private set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var scenario = SimulatorScenario.Fast();
        scenario.RequestLogCapacity = 10_000;
        scenario.Providers["magnific"].VideoKbps = 16_000; // 720p 10 s = 20 MB
        host = await SimulatorHost.StartAsync(new SimulatorOptions { Scenario = scenario, Seed = 1 }, CancellationToken.None);
        client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("x-magnific-api-key", "bench");
        using var submit = await client.PostAsJsonAsync(
            "magnific/v1/ai/image-to-video/pixverse-v5-5",
            new { prompt = "bench", image_url = "https://example.com/a.png", resolution = "720p", duration = 10 });
        var id = JsonNode.Parse(await submit.Content.ReadAsStringAsync())!["data"]!["task_id"]!.GetValue<string>();
        pollPath = $"magnific/v1/ai/image-to-video/pixverse-v5-5/{id}";
        for (var i = 0; i < 200; i++)
        {
            var poll = JsonNode.Parse(await client.GetStringAsync(pollPath))!;
            if (poll["data"]!["status"]!.GetValue<string>() == "COMPLETED")
            {
                downloadUrl = new Uri(poll["data"]!["generated"]![0]!.GetValue<string>());
                break;
            }

            await Task.Delay(50);
        }

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, downloadUrl));
        FileBytes = head.Content.Headers.ContentLength ?? 0;
        Console.WriteLine($"// download file size: {FileBytes} bytes");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        client.Dispose();
        await host.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Polls)]
    public Task StatusPoll() => RunAsync(Polls, async () =>
    {
        using var response = await client.GetAsync(pollPath);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
    });

    [Benchmark(OperationsPerInvoke = Downloads)]
    public Task Download() => RunAsync(Downloads, async () =>
    {
        using var response = await client.GetAsync(downloadUrl, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.CopyToAsync(Stream.Null, 256 * 1024);
    });

    private static async Task RunAsync(int total, Func<Task> operation)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < total)
            {
                await operation();
            }
        });
        await Task.WhenAll(workers);
    }
}
