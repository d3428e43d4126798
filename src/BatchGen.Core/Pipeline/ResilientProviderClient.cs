using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Http;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// One provider's adapter behind its throttle and its Polly pipelines: exponential backoff with jitter that honours
/// Retry-After, and a circuit breaker. Each attempt waits for the throttle first, then runs under its own timeout, so
/// a job queued behind the rate limit never times out unsent. Submits are retried only when the provider certainly
/// did not accept them (429, 503, a 4xx, a refused connection, an open circuit); a timeout, a dropped connection after
/// the request left or another 5xx may hide an accepted task: returned as ambiguous, never retried, because retrying
/// could pay twice (unless the provider honours Idempotency-Key).
/// </summary>
internal sealed class ResilientProviderClient : IDisposable
{
    private readonly IProviderAdapter _adapter;
    private readonly ProviderThrottle _throttle;
    private readonly ResiliencePipeline<SubmitOutcome> _submitPipeline;
    private readonly ResiliencePipeline<PollOutcome> _pollPipeline;
    private readonly TimeProvider _time;
    private readonly RequestTimeouts _submitTimeout;
    private readonly RequestTimeouts _pollTimeout;
    private readonly bool _idempotent;
    private readonly ProviderProgress? _progress;
    private long _finishedPolls;
    private long _resultFetches;

    public ResilientProviderClient(IProviderAdapter adapter, ProviderSettings settings, RunOptions options, TimeProvider timeProvider, ProviderProgress? progress = null)
    {
        _adapter = adapter;
        _progress = progress;
        _time = timeProvider;
        // A synchronous submit is answered after the whole generation: no start-up hold for its answers.
        _throttle = new ProviderThrottle(settings.RateLimit, timeProvider, settings.NominalLatency, settings.Mode == ProviderModes.Sync ? TimeSpan.Zero : null);
        // A synchronous submit (Segmind v1) holds the request for the whole generation: its timeout is the job deadline.
        _submitTimeout = new RequestTimeouts(
            settings.Mode == ProviderModes.Sync && settings.JobDeadline > settings.RequestTimeout ? settings.JobDeadline : settings.RequestTimeout,
            timeProvider);
        _pollTimeout = new RequestTimeouts(settings.RequestTimeout, timeProvider);
        _idempotent = settings.IdempotentSubmits;
        _submitPipeline = BuildPipeline<SubmitOutcome>(settings, options, timeProvider, o => o.Error, IsSafeToResubmitHere);
        _pollPipeline = BuildPipeline<PollOutcome>(settings, options, timeProvider, o => o.State is null ? o.Error : null, static _ => true);
    }

    public string Name => _adapter.Name;

    public IProviderAdapter Adapter => _adapter;

    public ProviderThrottle Throttle => _throttle;

    /// <summary>Requests a job costs besides its polls: its submit, plus the share of finished tasks whose result took a request of its own.</summary>
    public double FixedRequestsPerJob
    {
        get
        {
            var finished = Interlocked.Read(ref _finishedPolls);
            return 1 + (finished == 0 ? 0 : (double)Interlocked.Read(ref _resultFetches) / finished);
        }
    }

    /// <summary>
    /// Submits with retries for refused attempts. Each attempt first waits for the throttle, then calls
    /// <paramref name="beforeSend"/> (the write-ahead intent, so a job never waits in the throttle as "submitting"),
    /// then sends under the attempt timeout; a refused attempt calls <paramref name="onRefused"/> before the backoff.
    /// A failure that may hide an accepted task comes back as <see cref="SubmitResult.Ambiguous"/>.
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
                    var self = state.Self;
                    var permit = await self.AcquireAsync(RequestKind.Submit, ct).ConfigureAwait(false);
                    await state.BeforeSend().ConfigureAwait(false);
                    var tracking = SendTracking.Begin();
                    SubmitOutcome result;
                    try
                    {
                        result = await WithTimeoutAsync(
                            self._submitTimeout,
                            t => self._adapter.SubmitAsync(state.Job, t),
                            () => new SubmitOutcome { Error = TimeoutError(self.Name, "submit", mayHaveBeenAccepted: true) },
                            ct).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // An adapter bug must end as this job's outcome, not as a crash that leaves it "submitting".
                    catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                    {
                        result = new SubmitOutcome { Error = UnexpectedError(self.Name, state.Job.Id, ex, tracking.RequestStarted) };
                    }

                    self.Observe(result.Error, permit);
                    await self.ObserveSharedAsync(result.Error, ct).ConfigureAwait(false);
                    if (result.Error is { } refused && self.IsSafeToResubmitHere(refused))
                    {
                        await state.OnRefused(refused).ConfigureAwait(false);
                    }

                    return result;
                },
                (Self: this, Job: job, BeforeSend: beforeSend, OnRefused: onRefused),
                cancellationToken).ConfigureAwait(false);
            var ambiguous = outcome.Error is { Class: ErrorClass.Retryable } error && !IsSafeToResubmit(error);
            return new SubmitResult(outcome, ambiguous);
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
    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken) =>
        (await PollTimedAsync(remoteId, cancellationToken).ConfigureAwait(false)).Outcome;

    /// <summary>
    /// Polls with retries for retryable failures, then, when the status says finished without the result (Segmind),
    /// fetches it with its own retries. Every HTTP request waits for its own throttle permit. The reply carries when the
    /// last status request left and when its answer came back, the interval the provider's answer describes.
    /// </summary>
    public async Task<PollReply> PollTimedAsync(string remoteId, CancellationToken cancellationToken)
    {
        var timing = new PollTiming();
        var status = await RunPollAsync(static (adapter, id, ct) => adapter.PollAsync(id, ct), RequestKind.Poll, remoteId, timing, cancellationToken).ConfigureAwait(false);
        if (status.State == RemoteState.Succeeded)
        {
            Interlocked.Increment(ref _finishedPolls);
            if (status.ResultPending)
            {
                Interlocked.Increment(ref _resultFetches);
            }
        }

        var outcome = status is { State: RemoteState.Succeeded, ResultPending: true }
            ? await RunPollAsync(static (adapter, id, ct) => adapter.FetchResultAsync(id, ct), RequestKind.Result, remoteId, null, cancellationToken).ConfigureAwait(false)
            : status;
        return new PollReply(outcome, timing.SentAt ?? _time.GetUtcNow(), timing.AnsweredAt ?? _time.GetUtcNow());
    }

    /// <summary>Waits for one request permit (one per HTTP request; <paramref name="kind"/> sets its place in the queue) and counts the request.</summary>
    public async Task<ThrottlePermit> AcquireAsync(RequestKind kind, CancellationToken cancellationToken)
    {
        var permit = await _throttle.WaitAsync(kind, cancellationToken).ConfigureAwait(false);
        if (SharedRate is { } shared)
        {
            // In a fleet, the rate every worker's requests share (counted in PostgreSQL) after this process's own.
            await shared.AcquireAsync(Name, cancellationToken).ConfigureAwait(false);
        }

        _progress?.AddRequest();
        return permit;
    }

    private async Task<PollOutcome> RunPollAsync(
        Func<IProviderAdapter, string, CancellationToken, Task<PollOutcome>> request,
        RequestKind kind,
        string remoteId,
        PollTiming? timing,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _pollPipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var self = state.Self;
                    var permit = await self.AcquireAsync(state.Kind, ct).ConfigureAwait(false);
                    var sentAt = self._time.GetUtcNow();
                    var result = await WithTimeoutAsync(
                        self._pollTimeout,
                        t => state.Request(self._adapter, state.RemoteId, t),
                        () => new PollOutcome { Error = TimeoutError(self.Name, "status request", mayHaveBeenAccepted: false) },
                        ct).ConfigureAwait(false);
                    if (state.Timing is { } timing)
                    {
                        timing.SentAt = sentAt;
                        timing.AnsweredAt = self._time.GetUtcNow();
                    }

                    self.Observe(result.State is null ? result.Error : null, permit);
                    await self.ObserveSharedAsync(result.State is null ? result.Error : null, ct).ConfigureAwait(false);
                    return result;
                },
                (Self: this, RemoteId: remoteId, Request: request, Kind: kind, Timing: timing),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            return new PollOutcome
            {
                Error = new ProviderError(ErrorClass.Retryable, $"{Name}: circuit open after repeated failures") { Code = "circuit_open", RetryAfter = ex.RetryAfter },
            };
        }
    }

    public void Dispose()
    {
        _throttle.Dispose();
        _submitTimeout.Dispose();
        _pollTimeout.Dispose();
    }

    /// <summary>In a fleet: the request rate of this provider's API key, shared by every worker (null: this process alone).</summary>
    public Fleet.ISharedRateLimit? SharedRate { get; init; }

    /// <summary>One permit for one HTTP request: this process's throttle, then (in a fleet) the shared bucket.</summary>
    /// <summary>In a fleet, a 429 slows every worker down (the shared rate halves).</summary>
    private Task ObserveSharedAsync(ProviderError? error, CancellationToken cancellationToken) =>
        error is { HttpStatus: 429 } && SharedRate is { } shared ? shared.OnThrottledAsync(Name, error.RetryAfter, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// True when a failed submit certainly created nothing and may be sent again: the adapter says it was not accepted
    /// (4xx, 429, connection refused), or the provider answered 503 "unavailable". A timeout, a reset after sending, an
    /// unreadable reply or another 5xx (a gateway may answer 502/504 after the backend created the task) may hide an
    /// accepted task: that submit is never retried and the job is left ambiguous.
    /// </summary>
    internal static bool IsSafeToResubmit(ProviderError error) =>
        error.Class == ErrorClass.Retryable && (!error.MayHaveBeenAccepted || error.HttpStatus == 503);

    /// <summary>Like <see cref="IsSafeToResubmit(ProviderError)"/>, and any retryable error when the provider honours Idempotency-Key.</summary>
    private bool IsSafeToResubmitHere(ProviderError error) =>
        IsSafeToResubmit(error) || (_idempotent && error.Class == ErrorClass.Retryable);

    /// <summary>Runs one HTTP attempt under its own timeout; a timeout becomes an outcome, the caller's stop stays an exception.</summary>
    private static async Task<T> WithTimeoutAsync<T>(RequestTimeouts timeouts, Func<CancellationToken, Task<T>> attempt, Func<T> onTimeout, CancellationToken cancellationToken)
    {
        using var timed = timeouts.Start(cancellationToken);
        try
        {
            return await attempt(timed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timed.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            return onTimeout();
        }
    }

    /// <summary>
    /// An exception from an adapter's submit. Raised before the request started to leave (building the body or the
    /// headers), it certainly sent nothing: a permanent "not sent" failure, never ambiguous. Raised after, the provider
    /// may have accepted the task: ambiguous. The exception's message is left out (it may quote a header value).
    /// </summary>
    private static ProviderError UnexpectedError(string provider, string jobId, Exception exception, bool requestStarted) =>
        requestStarted
            ? new ProviderError(ErrorClass.Retryable, $"{provider}: submit of job {jobId} failed with an unexpected {exception.GetType().Name} after the request was sent; the provider may or may not have accepted it (a BatchGen bug, please report it)")
            {
                Code = "unexpected",
                MayHaveBeenAccepted = true,
            }
            : new ProviderError(ErrorClass.Permanent, $"{provider}: submit of job {jobId} could not be built ({exception.GetType().Name}); nothing was sent (a BatchGen bug, please report it)")
            {
                Code = ErrorCodes.NotSent,
                MayHaveBeenAccepted = false,
            };

    private static ProviderError TimeoutError(string provider, string what, bool mayHaveBeenAccepted) =>
        new(ErrorClass.Retryable, mayHaveBeenAccepted
            ? $"{provider}: {what} timed out; the provider may or may not have accepted it"
            : $"{provider}: {what} timed out")
        {
            Code = "timeout",
            MayHaveBeenAccepted = mayHaveBeenAccepted,
        };

    private void Observe(ProviderError? error, ThrottlePermit permit)
    {
        if (error is { HttpStatus: 429 })
        {
            _throttle.OnThrottled(permit, error.RetryAfter);
            _progress?.AddThrottled();
        }
        else if (error is null)
        {
            _throttle.OnSuccess();
        }
        else if (error.HttpStatus is not null)
        {
            _throttle.OnAnswered();
        }
    }

    private static ResiliencePipeline<T> BuildPipeline<T>(
        ProviderSettings settings,
        RunOptions options,
        TimeProvider timeProvider,
        Func<T, ProviderError?> errorOf,
        Func<ProviderError, bool> retryable)
    {
        bool Handles(Outcome<T> outcome) => outcome switch
        {
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
                args.Outcome.Result is { } r && errorOf(r) is { Class: ErrorClass.Retryable, HttpStatus: not 429 }),
        });
        return builder.Build();
    }
}

/// <summary>A submit's final outcome; <see cref="Ambiguous"/> when the provider may have accepted it despite the error.</summary>
internal sealed record SubmitResult(SubmitOutcome Outcome, bool Ambiguous);

/// <summary>A poll's outcome, with when its (last) status request left and when the answer came back.</summary>
internal sealed record PollReply(PollOutcome Outcome, DateTimeOffset SentAt, DateTimeOffset AnsweredAt);

/// <summary>Filled by the status request's attempts: the last one's send and answer times.</summary>
internal sealed class PollTiming
{
    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}
