using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// One provider's adapter behind its throttle and its Polly pipelines: a per-attempt timeout, a circuit breaker
/// and exponential backoff with jitter that honours Retry-After. Submits are retried only when the provider
/// certainly did not accept them (429, a 5xx reply, an open circuit); a timeout or a dropped connection after the
/// request left is returned as an ambiguous outcome, never retried, because retrying could pay twice.
/// </summary>
internal sealed class ResilientProviderClient : IDisposable
{
    private readonly IProviderAdapter _adapter;
    private readonly ProviderThrottle _throttle;
    private readonly ResiliencePipeline<SubmitOutcome> _submitPipeline;
    private readonly ResiliencePipeline<PollOutcome> _pollPipeline;
    private readonly bool _idempotent;
    private readonly ProviderProgress? _progress;

    public ResilientProviderClient(IProviderAdapter adapter, ProviderSettings settings, RunOptions options, TimeProvider timeProvider, ProviderProgress? progress = null)
    {
        _adapter = adapter;
        _progress = progress;
        _throttle = new ProviderThrottle(settings.RateLimit, timeProvider);
        // A synchronous submit (Segmind v1) holds the request for the whole generation: its timeout is the job deadline.
        var submitTimeout = settings.Mode == ProviderModes.Sync && settings.JobDeadline > settings.RequestTimeout
            ? settings.JobDeadline
            : settings.RequestTimeout;
        _idempotent = settings.IdempotentSubmits;
        _submitPipeline = BuildPipeline<SubmitOutcome>(settings, options, timeProvider, submitTimeout, retryTimeouts: _idempotent, o => o.Error, e => IsSafeToResubmitHere(e));
        _pollPipeline = BuildPipeline<PollOutcome>(settings, options, timeProvider, settings.RequestTimeout, retryTimeouts: true, o => o.State is null ? o.Error : null, static _ => true);
    }

    public string Name => _adapter.Name;

    public IProviderAdapter Adapter => _adapter;

    public ProviderThrottle Throttle => _throttle;

    /// <summary>
    /// Submits with retries for rejected attempts. Each attempt first waits for the throttle, then calls
    /// <paramref name="beforeSend"/> (the write-ahead intent, so a job never waits in the throttle as "submitting"),
    /// then sends; a refused attempt calls <paramref name="onRefused"/> before the backoff. A transport failure after
    /// sending comes back as <see cref="SubmitResult.Ambiguous"/>.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(
        JobSpec job,
        Func<Task> beforeSend,
        Func<ProviderError, Task> onRefused,
        CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await _submitPipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    await state.Self._throttle.WaitAsync(ct).ConfigureAwait(false);
                    await state.BeforeSend().ConfigureAwait(false);
                    var result = await state.Self._adapter.SubmitAsync(state.Job, ct).ConfigureAwait(false);
                    state.Self.Observe(result.Error);
                    if (result.Error is { } refused && state.Self.IsSafeToResubmitHere(refused))
                    {
                        await state.OnRefused(refused).ConfigureAwait(false);
                    }

                    return result;
                },
                (Self: this, Job: job, BeforeSend: beforeSend, OnRefused: onRefused),
                cancellationToken).ConfigureAwait(false);
            var ambiguous = outcome.Error is { } error && !IsSafeToResubmitHere(error) && error.Class == ErrorClass.Retryable;
            return new SubmitResult(outcome, ambiguous);
        }
        catch (TimeoutRejectedException)
        {
            var error = new ProviderError(ErrorClass.Retryable, $"{Name}: submit timed out; the provider may or may not have accepted it")
            {
                Code = "timeout",
            };
            return new SubmitResult(new SubmitOutcome { Error = error }, Ambiguous: true);
        }
        catch (BrokenCircuitException ex)
        {
            var error = new ProviderError(ErrorClass.Retryable, $"{Name}: circuit open after repeated failures, submit not sent")
            {
                Code = "circuit_open",
                RetryAfter = ex.RetryAfter,
            };
            return new SubmitResult(new SubmitOutcome { Error = error }, Ambiguous: false);
        }
    }

    /// <summary>Polls with retries for retryable failures; returns the last outcome when they run out.</summary>
    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        try
        {
            return await _pollPipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    await state.Self._throttle.WaitAsync(ct).ConfigureAwait(false);
                    var result = await state.Self._adapter.PollAsync(state.RemoteId, ct).ConfigureAwait(false);
                    state.Self.Observe(result.State is null ? result.Error : null);
                    return result;
                },
                (Self: this, RemoteId: remoteId),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return new PollOutcome { Error = new ProviderError(ErrorClass.Retryable, $"{Name}: status request timed out") { Code = "timeout" } };
        }
        catch (BrokenCircuitException ex)
        {
            return new PollOutcome
            {
                Error = new ProviderError(ErrorClass.Retryable, $"{Name}: circuit open after repeated failures") { Code = "circuit_open", RetryAfter = ex.RetryAfter },
            };
        }
    }

    public void Dispose() => _throttle.Dispose();

    /// <summary>
    /// True when a failed submit may be sent again: the adapter says it was not accepted (4xx, 429, connection
    /// refused), or the provider answered with a 5xx error reply (it reports a failure; the retry carries the same
    /// Idempotency-Key). No reply at all (a timeout, a reset after sending, an unreadable success reply) may hide an
    /// accepted task: that submit is never retried and the job is left ambiguous.
    /// </summary>
    internal static bool IsSafeToResubmit(ProviderError error) =>
        error.Class == ErrorClass.Retryable && (!error.MayHaveBeenAccepted || error.HttpStatus >= 500);

    /// <summary>Like <see cref="IsSafeToResubmit(ProviderError)"/>, and any retryable error when the provider honours Idempotency-Key.</summary>
    private bool IsSafeToResubmitHere(ProviderError error) =>
        IsSafeToResubmit(error) || (_idempotent && error.Class == ErrorClass.Retryable);

    private void Observe(ProviderError? error)
    {
        if (error is { HttpStatus: 429 })
        {
            _throttle.OnThrottled(error.RetryAfter);
            _progress?.AddThrottled();
        }
        else if (error is null)
        {
            _throttle.OnSuccess();
        }
    }

    private static ResiliencePipeline<T> BuildPipeline<T>(
        ProviderSettings settings,
        RunOptions options,
        TimeProvider timeProvider,
        TimeSpan attemptTimeout,
        bool retryTimeouts,
        Func<T, ProviderError?> errorOf,
        Func<ProviderError, bool> retryable)
    {
        bool Handles(Outcome<T> outcome) => outcome switch
        {
            { Exception: TimeoutRejectedException } => retryTimeouts,
            { Exception: not null } => false,
            { Result: { } result } => errorOf(result) is { Class: ErrorClass.Retryable } error && retryable(error),
            _ => false,
        };

        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider, Name = settings.Name };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(Handles(args.Outcome) || args.Outcome.Exception is BrokenCircuitException),
                DelayGenerator = args =>
                {
                    TimeSpan? asked = args.Outcome switch
                    {
                        { Result: { } r } when errorOf(r)?.RetryAfter is { } after => after,
                        { Exception: BrokenCircuitException { RetryAfter: { } after } } => after,
                        _ => null,
                    };
                    return ValueTask.FromResult(asked is { } a ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(a.Ticks, options.RetryMaxDelay.Ticks)) : null);
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<T>
        {
            FailureRatio = 0.8,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(5),
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is TimeoutRejectedException
                || (args.Outcome.Result is { } r && errorOf(r) is { Class: ErrorClass.Retryable, HttpStatus: not 429 })),
        });
        builder.AddTimeout(attemptTimeout);
        return builder.Build();
    }
}

/// <summary>A submit's final outcome; <see cref="Ambiguous"/> when the provider may have accepted it despite the error.</summary>
internal sealed record SubmitResult(SubmitOutcome Outcome, bool Ambiguous);
