using BatchGen.Core.Jobs;

namespace BatchGen.Simulator;

/// <summary>
/// Behaviour of the simulated providers: the root of the scenario file. Every property has a documented default,
/// so an empty file (or <c>new SimulatorScenario()</c>) is a well-behaved simulator with realistic latencies and no faults.
/// </summary>
public sealed class SimulatorScenario
{
    /// <summary>Seed used when the host options leave <see cref="SimulatorOptions.Seed"/> at its default (1).</summary>
    public int? Seed { get; set; }

    /// <summary>Time scale used when the host options leave <see cref="SimulatorOptions.TimeScale"/> at 1.</summary>
    public double? TimeScale { get; set; }

    /// <summary>How many requests <c>GET /_sim/requests</c> keeps (a ring buffer). Default 10,000.</summary>
    public int RequestLogCapacity { get; set; } = 10_000;

    /// <summary>Free-form YAML for anchors reused below with <c>&lt;&lt;: *name</c> or <c>*name</c>; otherwise ignored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Dictionary<string, object>? Shared { get; set; }

    /// <summary>Per-provider behaviour keyed by provider name; a provider not listed gets the defaults.</summary>
    public Dictionary<string, ProviderScenario> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The behaviour of one provider (defaults when not listed).</summary>
    public ProviderScenario For(string provider) =>
        Providers.TryGetValue(provider, out var scenario) ? scenario : new ProviderScenario();

    /// <summary>A preset for tests: every provider queues for 20-50 ms and generates for about 0.1-0.3 s, no faults.</summary>
    public static SimulatorScenario Fast()
    {
        var scenario = new SimulatorScenario();
        foreach (var name in ProviderNames.All)
        {
            scenario.Providers[name] = new ProviderScenario { Latency = LatencyScenario.Fast() };
        }

        return scenario;
    }
}
