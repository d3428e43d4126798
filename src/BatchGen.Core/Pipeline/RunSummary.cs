using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline.Halting;

namespace BatchGen.Core.Pipeline;

/// <summary>Why a run stopped submitting before every job was sent.</summary>
public enum RunStopReason
{
    None,
    BudgetReached,
    Cancelled,

    /// <summary>A halt rule (too many failures) stopped submission; jobs in flight were finished.</summary>
    Halted,
}

/// <summary>What one run did and what is left, for the CLI's last lines and its exit code.</summary>
public sealed record RunSummary
{
    public required IReadOnlyDictionary<JobState, int> Counts { get; init; }

    /// <summary>Jobs whose submit may or may not have reached the provider (not resubmitted).</summary>
    public int Ambiguous { get; init; }

    /// <summary>Jobs the manifest no longer produces (kept in the ledger).</summary>
    public int Lost { get; init; }

    public int Added { get; init; }

    public RunStopReason StopReason { get; init; }

    /// <summary>Jobs left pending because of the budget, and what they would cost.</summary>
    public int BudgetRemainingJobs { get; init; }

    public decimal BudgetRemainingCostUsd { get; init; }

    /// <summary>Spent, reserved and estimated, computed from the ledger after the run (see <see cref="Costs.BatchMoney"/>).</summary>
    public Costs.BatchMoney Money { get; init; } = new(0m, 0m, 0, 0m);

    /// <summary>The ledger's spent figure (<see cref="Money"/>): the same for a rerun with no new activity.</summary>
    public decimal SpentUsd => Money.SpentUsd;

    public decimal? MaxCostUsd { get; init; }

    /// <summary>Providers that refused the account, with the reason.</summary>
    public IReadOnlyDictionary<string, string> BlockedProviders { get; init; } = new Dictionary<string, string>();

    /// <summary>What the retry asked for did before the run (<see cref="RetryReport.None"/> for a plain run).</summary>
    public RetryReport Retry { get; init; } = RetryReport.None;

    /// <summary>The halt rules that fired (empty unless <see cref="StopReason"/> is Halted).</summary>
    public IReadOnlyList<HaltReason> Halts { get; init; } = [];

    /// <summary>Why the period cap (per day or month, across batches) refused a submit; null when it did not.</summary>
    public string? PeriodBudgetStop { get; init; }

    /// <summary>Jobs whose videos could not be uploaded to (or checked in) the output store; their local files are kept.</summary>
    public int StoragePending { get; init; }

    /// <summary>The first output store error of the run (one line), or null.</summary>
    public string? StorageProblem { get; init; }

    public int Total => Counts.Values.Sum();

    public int Count(JobState state) => Counts.TryGetValue(state, out var n) ? n : 0;
}
