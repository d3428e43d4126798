using BatchGen.Core.Pipeline.Halting;

namespace BatchGen.Core.Pipeline;

/// <summary>Which failed jobs a run takes up again (the <c>retry</c> command).</summary>
public enum RetryFailedMode
{
    /// <summary>Failed jobs stay failed.</summary>
    None,

    /// <summary>Jobs that failed for a retryable reason (retries ran out, deadline, download failure).</summary>
    Retryable,

    /// <summary>Every failed job, permanent failures included.</summary>
    All,
}

/// <summary>What one <c>run</c> is asked to do. Validated once by <see cref="RunEngine"/>.</summary>
public sealed class RunOptions
{
    /// <summary>Full path of the output directory (videos, ledger, reports).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Budget cap in USD for the whole batch (ledger history included); null = no cap.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>Resubmit jobs whose earlier submit may or may not have reached the provider.</summary>
    public bool ResubmitAmbiguous { get; init; }

    public RetryFailedMode RetryFailed { get; init; } = RetryFailedMode.None;

    /// <summary>
    /// An ambiguous submit is reconciled against a provider's task list only once it is this old, so a task the
    /// provider has not listed yet is not mistaken for one that never arrived.
    /// </summary>
    public TimeSpan ReconcileSettleTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Parallel downloads across all providers.</summary>
    public int DownloadConcurrency { get; init; } = 4;

    /// <summary>How long in-flight submits may finish after a stop was asked, before they are abandoned.</summary>
    public TimeSpan SubmitGracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries of one HTTP call for retryable errors (429, 5xx, timeouts).</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>Base delay of the exponential backoff (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Ceiling of one backoff delay.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>--verify deep</c> / <c>verify: deep</c>: besides the MP4 container check, decode every saved video with
    /// ffmpeg. Null (default): container check only.
    /// </summary>
    public Downloads.DeepVideoCheck? DeepVerify { get; init; }

    /// <summary>Attempts to download a result (each may resume with Range) before the job fails.</summary>
    public int MaxDownloadAttempts { get; init; } = 4;

    /// <summary>
    /// Rewrites a result URL before it is fetched; null = use it as recorded. <c>run --simulate</c> points URLs recorded
    /// by an earlier run's embedded simulator (an older port) at the one running now.
    /// </summary>
    public Func<Uri, Uri>? MapResultUrl { get; init; }

    /// <summary>When too many failures stop submission (none by default).</summary>
    public HaltRules Halt { get; init; } = new();

    /// <summary>
    /// Checked before every submit besides the batch cap: a cap over a day or month across batches (null = none).
    /// </summary>
    public Costs.Periods.IPeriodBudget? PeriodBudget { get; init; }

    /// <summary>
    /// In a fleet: the period caps, held in the fleet's database with each job's shared reservation (every worker and
    /// every batch there counted) instead of <see cref="PeriodBudget"/>'s spend file; null = none, or not a fleet.
    /// </summary>
    public Costs.Periods.SharedPeriodCaps? SharedPeriodCaps { get; init; }

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Halt.Validate());
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            errors.Add("output directory is empty");
        }

        if (PeriodBudget is not null && SharedPeriodCaps is not null)
        {
            errors.Add("the period caps are held either in the spend file or in the fleet's database, not both");
        }

        if (MaxCostUsd is < 0)
        {
            errors.Add($"max cost must be >= 0 (got {MaxCostUsd})");
        }

        if (DownloadConcurrency < 1)
        {
            errors.Add($"download concurrency must be >= 1 (got {DownloadConcurrency})");
        }

        if (MaxRetryAttempts < 0)
        {
            errors.Add($"max retry attempts must be >= 0 (got {MaxRetryAttempts})");
        }

        if (MaxDownloadAttempts < 1)
        {
            errors.Add($"max download attempts must be >= 1 (got {MaxDownloadAttempts})");
        }

        return errors;
    }
}
