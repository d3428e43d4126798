using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Ledger;

/// <summary>
/// One append-only ledger event: a state change of one job and what came with it. Written together with the
/// job's current row in one transaction. Null fields leave the job row's value unchanged.
/// </summary>
public sealed record LedgerEvent
{
    public required string JobId { get; init; }

    /// <summary>The job's state after this event.</summary>
    public required JobState State { get; init; }

    /// <summary>Set by the ledger from its TimeProvider when written.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>1-based submit attempt this event belongs to (0 when not about a submit).</summary>
    public int Attempt { get; init; }

    public string? RemoteId { get; init; }

    public int? HttpStatus { get; init; }

    public ErrorClass? ErrorClass { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>One line, no secrets, no raw bodies.</summary>
    public string? ErrorMessage { get; init; }

    public decimal? EstimatedCostUsd { get; init; }

    public decimal? ActualCostUsd { get; init; }

    public string? ResultUrl { get; init; }

    /// <summary>Relative to the output directory.</summary>
    public string? FilePath { get; init; }

    public long? Bytes { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>
    /// The saved video's frame size, duration, codec and warning (null: leave the job's as they are). Kept on the
    /// job's row only, not in the event stream.
    /// </summary>
    public Media.VideoFacts? Video { get; init; }

    /// <summary>Free text for the event stream (e.g. "resume: re-attached", "download retry 2").</summary>
    public string? Note { get; init; }

    /// <summary>Output records written with this event (same transaction); null leaves them as they are.</summary>
    public IReadOnlyList<LedgerOutput>? Outputs { get; init; }

    /// <summary>A new result (a task's fresh output list): forget the job's earlier output records first.</summary>
    public bool ReplaceOutputs { get; init; }
}

/// <summary>A job's current row in the ledger.</summary>
public sealed record LedgerJob
{
    public required JobSpec Spec { get; init; }

    public string Id => Spec.Id;

    public string Provider => Spec.Provider;

    public required JobState State { get; init; }

    /// <summary>Number of submit attempts that reached the intent stage.</summary>
    public int Attempts { get; init; }

    public string? RemoteId { get; init; }

    public string? ResultUrl { get; init; }

    public string? FilePath { get; init; }

    public long? Bytes { get; init; }

    public string? Sha256 { get; init; }

    public decimal? EstimatedCostUsd { get; init; }

    public decimal? ActualCostUsd { get; init; }

    public ErrorClass? ErrorClass { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>When the remote id became durable.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>First time the provider reported it running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached Generated (provider done).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>False when the manifest no longer produces this job (kept, reported as lost).</summary>
    public bool InManifest { get; init; } = true;

    /// <summary>Every output of the job, by index (empty when none is recorded yet).</summary>
    public IReadOnlyList<LedgerOutput> Outputs { get; init; } = [];

    /// <summary>The saved video's frame size, duration and codec, with a warning when it differs from the request; null before it is saved.</summary>
    public Media.VideoFacts? Video { get; init; }
}

/// <summary>A job's spec and the time its row was last updated (<see cref="ILedger.ReadJobHeadsAsync"/>).</summary>
public sealed record LedgerJobHead(JobSpec Spec, DateTimeOffset UpdatedAt);
