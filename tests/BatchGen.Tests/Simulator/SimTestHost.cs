using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

/// <summary>A simulator on a free loopback port with a fake clock and an HTTP client, for one test.</summary>
internal sealed class SimTestHost : IAsyncDisposable
{
    /// <summary>Where the simulator's fake clock starts.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private SimTestHost(SimulatorHost host, FakeTimeProvider clock)
    {
        Host = host;
        Clock = clock;
        Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public SimulatorHost Host { get; }

    /// <summary>The simulator's clock: task phases, URL lifetimes and simulated waits move only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    /// <summary>Starts a host; <paramref name="configure"/> edits a <see cref="SimulatorScenario.Fast"/> scenario.</summary>
    public static async Task<SimTestHost> StartAsync(Action<SimulatorScenario>? configure = null, int seed = 1, bool manualClock = true)
    {
        var scenario = SimulatorScenario.Fast();
        configure?.Invoke(scenario);
        var clock = new FakeTimeProvider(Start);
        var host = await SimulatorHost.StartAsync(
            new SimulatorOptions { Scenario = scenario, Seed = seed, TimeProvider = manualClock ? clock : TimeProvider.System },
            CancellationToken.None);
        return new SimTestHost(host, clock);
    }

    /// <summary>A host on a shared clock that keeps its tasks in <paramref name="stateDirectory"/> (restart tests).</summary>
    public static async Task<SimTestHost> StartAsync(FakeTimeProvider clock, string stateDirectory, Action<SimulatorScenario>? configure = null)
    {
        var scenario = SimulatorScenario.Fast();
        configure?.Invoke(scenario);
        var host = await SimulatorHost.StartAsync(
            new SimulatorOptions { Scenario = scenario, TimeProvider = clock, StateDirectory = stateDirectory },
            CancellationToken.None);
        return new SimTestHost(host, clock);
    }

    /// <summary>Moves the clock past any Fast() task's queue and generation time.</summary>
    public void FinishAll() => Clock.Advance(TimeSpan.FromSeconds(5));

    public async Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? body = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            json = JsonNode.Parse(text);
        }

        return ((int)response.StatusCode, json, response);
    }

    public Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> PostAsync(string path, object body, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, path, body as string ?? JsonSerializer.Serialize(body), headers);

    public Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> GetAsync(string path, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Get, path, null, headers);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
