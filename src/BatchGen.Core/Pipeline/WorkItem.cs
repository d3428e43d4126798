using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>Where a job enters the pipeline in this run, decided from its ledger row.</summary>
internal enum WorkStart
{
    /// <summary>Not yet accepted by the provider: admit (budget), then submit.</summary>
    Submit,

    /// <summary>Accepted earlier (remote id durable): re-attach by polling, never resubmit.</summary>
    Poll,

    /// <summary>Generated earlier: download (again) without regenerating.</summary>
    Download,
}

internal sealed record WorkItem(LedgerJob Job, WorkStart Start);
