using BatchGen.Core.Jobs;

namespace BatchGen.Core.Providers;

/// <summary>
/// One provider's wire protocol: maps a neutral job to its request, and its replies to common outcomes.
/// An adapter makes exactly one HTTP attempt per call and never retries, sleeps or rate-limits: the pipeline
/// owns resilience. Expected failures are returned as values (<see cref="ProviderError"/>), never thrown;
/// only cancellation escapes as <see cref="OperationCanceledException"/>.
/// </summary>
public interface IProviderAdapter
{
    /// <summary>One of <see cref="ProviderNames.All"/>.</summary>
    string Name { get; }

    /// <summary>
    /// Submits the job, sending <c>Idempotency-Key: {job.Id}</c>. On success the outcome carries the remote task id
    /// (or, for synchronous calls, the video bytes).
    /// </summary>
    Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken);

    /// <summary>Asks the provider for the current state of a task it accepted.</summary>
    Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken);

    /// <summary>
    /// After a poll that says the task finished but carries no result (<see cref="PollOutcome.ResultPending"/>, Segmind's
    /// status endpoint): fetches the result with one more request, its own call so the pipeline takes a rate permit for
    /// it. Providers whose status reply carries the result never ask for it.
    /// </summary>
    Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken) =>
        Task.FromResult(new PollOutcome
        {
            Error = new ProviderError(ErrorClass.Retryable, $"{Name}: task {remoteId}: this provider's status replies carry the result; there is no separate result request")
            {
                Code = "malformed_reply",
            },
        });
}

/// <summary>Common task state across providers.</summary>
public enum RemoteState
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>How an error affects what the engine does next.</summary>
public enum ErrorClass
{
    /// <summary>429, 5xx, timeouts, connection resets, malformed replies: try again later.</summary>
    Retryable,

    /// <summary>Validation 400, moderation or generation failure, lost task: this job will not succeed as asked.</summary>
    Permanent,

    /// <summary>Bad or missing key, credits exhausted: stop submitting to this provider.</summary>
    Account,
}

/// <summary>A classified provider error. <see cref="Message"/> never contains the API key or the raw body.</summary>
public sealed record ProviderError(ErrorClass Class, string Message)
{
    /// <summary>HTTP status, when there was a response.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Short machine-readable reason: rate_limited, server_error, timeout, connection, malformed_reply,
    /// validation, moderation, generation_failed, expired, auth, credits, not_found.</summary>
    public required string Code { get; init; }

    /// <summary>Delay asked by the provider (Retry-After, Segmind's reset header), when given.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Submits only: the request may have reached the provider and created a (paid) task although no task id came
    /// back: a timeout, a connection reset after sending, a 5xx, an unreadable 2xx reply. Resubmitting such a job may
    /// pay twice; false when the provider certainly did not accept it (4xx, 429, connection refused).
    /// </summary>
    public bool MayHaveBeenAccepted { get; init; }
}

/// <summary>The result of one submit attempt.</summary>
public sealed record SubmitOutcome
{
    /// <summary>
    /// The provider's task id; null for a synchronous call, and null when <see cref="Error"/> is set unless the
    /// provider accepted the task and reported it failed in the same reply (then State is Failed and the error permanent).
    /// </summary>
    public string? RemoteId { get; init; }

    public ProviderError? Error { get; init; }

    /// <summary>Task state reported with the submit reply, when the reply carries one.</summary>
    public RemoteState? State { get; init; }

    /// <summary>Provider's own estimate of the generation time (Pixwith <c>estimated_time</c>).</summary>
    public TimeSpan? EstimatedTime { get; init; }

    /// <summary>Synchronous providers (Segmind v1): the video bytes returned by the submit itself.</summary>
    public ReadOnlyMemory<byte>? InlineVideo { get; init; }

    /// <summary>Cost reported by the provider, converted to USD with its price table (AI/ML API credits_used).</summary>
    public decimal? ActualCostUsd { get; init; }

    /// <summary>Credit balance reported with the reply (Segmind <c>x-remaining-credits</c>).</summary>
    public decimal? RemainingCredits { get; init; }

    /// <summary>HTTP status of the reply.</summary>
    public int? HttpStatus { get; init; }

    public bool IsSuccess => Error is null;
}

/// <summary>The result of one status poll.</summary>
public sealed record PollOutcome
{
    /// <summary>Null when the poll itself failed (<see cref="Error"/> set with no state).</summary>
    public RemoteState? State { get; init; }

    /// <summary>The provider's own status text or number, for the ledger.</summary>
    public string? RawStatus { get; init; }

    /// <summary>
    /// The task finished (<see cref="State"/> is <see cref="RemoteState.Succeeded"/>) but this reply does not carry the
    /// result: <see cref="IProviderAdapter.FetchResultAsync"/> gets it, with one more HTTP request.
    /// </summary>
    public bool ResultPending { get; init; }

    /// <summary>Result URLs, filled when <see cref="State"/> is <see cref="RemoteState.Succeeded"/> (and the result not pending).</summary>
    public IReadOnlyList<Uri> ResultUrls { get; init; } = [];

    /// <summary>Either the poll failed (State null) or the task failed (State Failed, the reason).</summary>
    public ProviderError? Error { get; init; }

    /// <summary>Cost reported by the provider, in USD.</summary>
    public decimal? ActualCostUsd { get; init; }

    public decimal? RemainingCredits { get; init; }

    public int? HttpStatus { get; init; }
}
