using BatchGen.Cli.Logging;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Pipeline.Halting;

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

    /// <summary>Where <c>--json</c> writes the final summary object (stdout); null without <c>--json</c>.</summary>
    public TextWriter? JsonOutput { get; init; }

    /// <summary><c>--verify standard|deep</c> (deep: decode every saved video with ffmpeg too); null: the manifest's <c>verify</c>.</summary>
    public string? Verify { get; init; }

    /// <summary>auto (live view on a terminal, plain lines otherwise), live, plain or none.</summary>
    public string Progress { get; init; } = "auto";

    /// <summary><c>--tz</c>: time zone of {date}, {time}, {datetime} and of the period caps.</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>--resume-latest</c>: continue the newest unfinished batch of this manifest.</summary>
    public bool ResumeLatest { get; init; }

    public HaltRules Halt { get; init; } = new();

    /// <summary><c>--notify URL</c>s (added to the manifest's <c>notify:</c>).</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];

    public LogSettings Log { get; init; } = new();

    /// <summary><c>--ledger</c> / <c>BATCHGEN_LEDGER</c> and <c>--batch</c>: where the batch's ledger lives.</summary>
    public Ledger.LedgerSelection Ledger { get; init; } = Cli.Ledger.LedgerSelection.Default;
}
