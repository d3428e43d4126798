namespace BatchGen.Cli.Bench;

/// <summary>Everything one bench invocation measured, as written to the JSON file (snake_case).</summary>
internal sealed record BenchReport(string Suite, double TimeScale, MachineInfo Machine, IReadOnlyList<ScenarioResult> Scenarios);

/// <summary>The machine and the code measured. The machine may be shared: the load averages say how busy it was.</summary>
internal sealed record MachineInfo(
    string DateUtc,
    string Commit,
    string CommitSubject,
    bool WorkTreeDirty,
    int Cores,
    string CpuModel,
    long RamBytes,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    string Os,
    string Runtime);

/// <summary>One scenario: the whole run, and each provider's share.</summary>
internal sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Purpose { get; init; }

    public required int Jobs { get; init; }

    /// <summary>0 = every job succeeded; otherwise the run's exit code (see README "Exit codes").</summary>
    public required int ExitCode { get; init; }

    public string? Error { get; init; }

    public required double BoundSeconds { get; init; }

    /// <summary><c>plan --json</c>'s estimated wall time for the same manifest and providers file.</summary>
    public double? PlanSeconds { get; init; }

    public required double WallSeconds { get; init; }

    /// <summary>Bound / actual wall time (1 = as fast as the limits allow).</summary>
    public double Efficiency => WallSeconds > 0 ? BoundSeconds / WallSeconds : 0;

    /// <summary>Plan's estimate / actual wall time.</summary>
    public double? PlanRatio => PlanSeconds is { } plan && WallSeconds > 0 ? plan / WallSeconds : null;

    public required long SucceededJobs { get; init; }

    /// <summary>Submit attempts and polls the simulator received (downloads excluded).</summary>
    public required long ApiRequests { get; init; }

    public double RequestsPerJob => Jobs > 0 ? (double)ApiRequests / Jobs : 0;

    /// <summary>429 replies of the simulator (rate limit and concurrency cap).</summary>
    public required long Throttled { get; init; }

    public required double ClientCpuSeconds { get; init; }

    public double ClientCpuMsPerJob => Jobs > 0 ? ClientCpuSeconds * 1000 / Jobs : 0;

    /// <summary>
    /// CPU the simulator used during the first run (on the same cores as the client: a simulator that needs much of
    /// them slows the client's wake-ups); null when it could not be read.
    /// </summary>
    public double? SimulatorCpuSeconds { get; init; }

    public double? SimulatorCpuMsPerJob => SimulatorCpuSeconds is { } seconds && Jobs > 0 ? seconds * 1000 / Jobs : null;

    public required long ClientPeakRssBytes { get; init; }

    public required long LedgerBytes { get; init; }

    public double LedgerBytesPerJob => Jobs > 0 ? (double)LedgerBytes / Jobs : 0;

    public double? RerunSeconds { get; init; }

    public double? RerunCpuSeconds { get; init; }

    public long? RerunApiRequests { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required string LoadAverageAtEnd { get; init; }

    public required IReadOnlyList<ProviderResult> Providers { get; init; }
}

/// <summary>One provider of a scenario; its actual time is its last job's completion, from the run's start.</summary>
internal sealed record ProviderResult
{
    public required string Name { get; init; }

    public required int Jobs { get; init; }

    public required int RequestsPerJobAtLeast { get; init; }

    public required double RatePerSecond { get; init; }

    public required double Burst { get; init; }

    public required int Concurrency { get; init; }

    public required double LatencySeconds { get; init; }

    public required double BoundSeconds { get; init; }

    public double? PlanSeconds { get; init; }

    public double? ActualSeconds { get; init; }

    public double? Efficiency => ActualSeconds is > 0 ? BoundSeconds / ActualSeconds : null;

    public required long ApiRequests { get; init; }

    public double RequestsPerJob => Jobs > 0 ? (double)ApiRequests / Jobs : 0;

    public required long Throttled { get; init; }
}
