using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;

namespace BatchGen.Cli.Notify;

/// <summary>
/// What a notification says about one run, gathered while it runs (any of it may be missing when the run stopped
/// early: an invalid manifest has no counts, a crash has no summary).
/// </summary>
internal sealed class RunNotice
{
    public required string RunId { get; init; }

    public required string ManifestPath { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public string? BatchName { get; set; }

    public string? OutputDirectory { get; set; }

    /// <summary>Where the ledger is when it is not ledger.db in the output directory (a PostgreSQL server and batch, no password).</summary>
    public string? LedgerLocation { get; set; }

    public bool Simulated { get; set; }

    public RunSummary? Summary { get; set; }

    /// <summary>Failed jobs by error code (moderation, timeout, ...).</summary>
    public IReadOnlyDictionary<string, int> FailuresByReason { get; set; } = new Dictionary<string, int>();

    public decimal? MaxCostPerDayUsd { get; set; }

    public decimal? MaxCostPerMonthUsd { get; set; }

    /// <summary>Spent or held today and this month across the batches beside this one (when a period cap is set).</summary>
    public decimal? SpentTodayUsd { get; set; }

    public decimal? SpentThisMonthUsd { get; set; }

    /// <summary>The one line that said what went wrong, when the run ended in an error.</summary>
    public string? Error { get; set; }

    public int ExitCode { get; set; } = ExitCodes.InternalError;

    public string Outcome => ExitCode switch
    {
        ExitCodes.Success => "done",
        ExitCodes.JobsFailed when Summary?.StopReason == RunStopReason.Halted => "halted",
        ExitCodes.JobsFailed => "failures",
        ExitCodes.InvalidInput => "invalid_input",
        ExitCodes.BudgetReached => "budget_reached",
        ExitCodes.ProviderAccountError => "provider_refused",
        ExitCodes.StorageError => "storage_error",
        ExitCodes.RunLocked => "locked",
        ExitCodes.Cancelled => "interrupted",
        _ => "crashed",
    };

    /// <summary>Counts failed jobs by error code from the ledger (after the run).</summary>
    public static IReadOnlyDictionary<string, int> CountFailures(IEnumerable<LedgerJob> jobs) =>
        jobs.Where(j => j.State == JobState.Failed)
            .GroupBy(j => j.ErrorCode ?? "unknown", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
