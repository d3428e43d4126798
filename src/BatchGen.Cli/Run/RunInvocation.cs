using BatchGen.Core.Pipeline;

namespace BatchGen.Cli.Run;

/// <summary>The parsed options of <c>run</c> (and <c>retry</c>, which is a run that takes failed jobs up again).</summary>
internal sealed record RunInvocation
{
    public required string ManifestPath { get; init; }

    public string? OutputDirectory { get; init; }

    public string? ProvidersFile { get; init; }

    public decimal? MaxCostUsd { get; init; }

    public bool ResubmitAmbiguous { get; init; }

    /// <summary>Open a ledger that ends before its high-water mark (its WAL was lost), after checking the providers.</summary>
    public bool AcceptLedgerRollback { get; init; }

    public RetryFailedMode RetryFailed { get; init; }

    public long MaxJobs { get; init; } = 100_000;

    public bool Simulate { get; init; }

    public string? ScenarioFile { get; init; }

    public double TimeScale { get; init; } = 0.01;

    public int Seed { get; init; } = 1;

    public bool WriteReports { get; init; } = true;

    /// <summary>auto (live view on a terminal, plain lines otherwise), live, plain or none.</summary>
    public string Progress { get; init; } = "auto";
}
