namespace BatchGen.Simulator;

/// <summary>How to start a <see cref="SimulatorHost"/>. Read once by <see cref="SimulatorHost.StartAsync"/>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>TCP port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>A scenario YAML file; ignored when <see cref="Scenario"/> is set.</summary>
    public string? ScenarioFile { get; set; }

    /// <summary>A scenario built in code (copied at start: later changes have no effect).</summary>
    public SimulatorScenario? Scenario { get; set; }

    /// <summary>Seed of every latency and fault decision. A value other than 1 wins over the scenario's <c>seed</c>.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Multiplies every simulated duration (0.01: a 60 s generation takes 0.6 s). A value other than 1 wins over the scenario's <c>time_scale</c>.</summary>
    public double TimeScale { get; set; } = 1.0;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A directory where the simulated providers keep what they know across restarts (created tasks, Idempotency-Keys,
    /// credits charged, the result-URL signing key), as real providers do when a client crashes. Null: in memory only.
    /// One simulator at a time per directory.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Interface to bind; loopback unless asked otherwise.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
}
