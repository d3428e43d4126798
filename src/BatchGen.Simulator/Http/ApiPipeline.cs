using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>What an API call does, for counting and for choosing the identity its fault draw uses.</summary>
internal enum CallKind
{
    Submit,
    Poll,
    Other,
}

/// <summary>
/// The path every provider API call takes: authentication, rate limit, request fault draw, the provider's handler, then
/// the reply (or a reset connection, or a broken body).
/// </summary>
internal sealed class ApiPipeline(ProviderRuntime provider, IProviderDialect dialect)
{
    public ProviderRuntime Provider => provider;

    public IProviderDialect Dialect => dialect;

    public async Task RunAsync(
        HttpContext http,
        CallKind kind,
        Func<RequestContext, string?>? taskIdOf,
        Func<RequestContext, ValueTask<SimReply>> handler)
    {
        var state = provider.State;
        var now = state.Now;
        var body = await RequestBody.ReadAsync(http).ConfigureAwait(false);
        var key = dialect.ReadApiKey(http.Request);
        if (string.IsNullOrEmpty(key) || !provider.IsAccepted(key))
        {
            provider.Counters.Count(Counter.AuthFailure);
            await dialect.Error(http, now, key is null ? SimError.MissingKey : SimError.InvalidKey).WriteAsync(http).ConfigureAwait(false);
            return;
        }

        var account = provider.Account(key);
        if (!account.TryTakeToken(now, out var retryAfter))
        {
            provider.Counters.Count(Counter.RateLimited);
            var limited = dialect.Error(http, now, SimError.RateLimited);
            if (provider.Scenario.RateLimit?.RetryAfterHeader == true)
            {
                dialect.AddRetryHint(limited, retryAfter, now);
            }

            await limited.WriteAsync(http).ConfigureAwait(false);
            return;
        }

        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        var ctx = new RequestContext
        {
            Http = http,
            Provider = provider,
            Body = body,
            ApiKey = key,
            Now = now,
            IdempotencyKey = idempotencyKey.Length == 0 ? null : idempotencyKey,
        };

        string subject;
        long number;
        switch (kind)
        {
            case CallKind.Submit:
                provider.Counters.Count(Counter.SubmitAttempt);
                ctx.DecisionKey = ctx.IdempotencyKey ?? "body:" + Convert.ToHexStringLower(SHA256.HashData(body));
                ctx.Occurrence = provider.NextOccurrence(ctx.DecisionKey);
                (subject, number) = (ctx.DecisionKey, ctx.Occurrence);
                break;
            case CallKind.Poll:
                provider.Counters.Count(Counter.Poll);
                var task = taskIdOf?.Invoke(ctx) is { } id ? provider.Find(id) : null;
                (subject, number) = task is null ? ("request", provider.NextSequence()) : (task.Id, task.NextPoll());
                break;
            default:
                (subject, number) = ("request", provider.NextSequence());
                break;
        }

        var fault = FaultDraw.Request(provider.Scenario.Faults, Deterministic.Unit(state.Seed, provider.Name, subject, number, "request-fault"));
        var serverError = fault switch
        {
            RequestFault.Http500 => SimError.Server500,
            RequestFault.Http502 => SimError.BadGateway502,
            RequestFault.Http503 => SimError.Unavailable503,
            _ => (SimError?)null,
        };
        if (serverError is { } error)
        {
            provider.Counters.Count(Counter.ServerError);
            await dialect.Error(http, now, error).WriteAsync(http).ConfigureAwait(false);
            return;
        }

        if (fault == RequestFault.SlowResponse)
        {
            provider.Counters.Count(Counter.SlowResponse);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(provider.Scenario.Faults.SlowResponseSeconds), state.Time, http.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // A submit whose first frame does not resolve is refused as the provider would: a validation error.
        var reply = kind == CallKind.Submit && await ImageUrlCheck.ProblemAsync(ctx, state, http.RequestAborted).ConfigureAwait(false) is { } imageProblem
            ? Invalid(ctx, [imageProblem])
            : await handler(ctx).ConfigureAwait(false);
        dialect.Decorate(reply, account);
        if (fault == RequestFault.ConnectionReset)
        {
            provider.Counters.Count(Counter.ConnectionReset);
            http.Abort();
            return;
        }

        if (fault == RequestFault.MalformedJson && reply.Status == StatusCodes.Status200OK && reply.Json is not null)
        {
            provider.Counters.Count(Counter.MalformedJson);
            reply = reply.Malformed();
        }

        await reply.WriteAsync(http).ConfigureAwait(false);
    }

    /// <summary>Admits, plans and records a new task, or returns the provider's concurrency or credits error.</summary>
    public (SimTask? Task, SimReply? Error) CreateTask(RequestContext ctx, TaskRequest ask, string id)
    {
        if (provider.Scenario.HonourIdempotencyKey && ctx.IdempotencyKey is { } replayKey
            && provider.FindByIdempotencyKey(ctx.ApiKey, replayKey) is { } earlier)
        {
            // A replayed submit: the task the key created before, not counted or charged again.
            return (earlier, null);
        }

        var price = provider.PriceOf(ask.Video, ask.Audio, ask.MultiClip, ask.Outputs);
        var account = provider.Account(ctx.ApiKey);
        switch (account.TryAdmit(ctx.Now, provider.Scenario.MaxConcurrentTasks, price, out var balanceAfter))
        {
            case AdmitResult.Concurrency:
                provider.Counters.Count(Counter.ConcurrencyLimited);
                return (null, dialect.Error(ctx.Http, ctx.Now, SimError.Concurrency));
            case AdmitResult.Credits:
                provider.Counters.Count(Counter.InsufficientCredits);
                return (null, dialect.Error(ctx.Http, ctx.Now, SimError.Credits));
        }

        if (provider.Scenario.OutputFrameSize is { } imposed)
        {
            ask = ask with { Video = ask.Video with { FrameSizeOverride = ScenarioValidator.OutputFrameSize(imposed) } };
        }

        var task = TaskPlanner.Plan(provider, ctx, ask, id, price);
        task.BalanceAfterCharge = balanceAfter;
        provider.Add(task);
        if (ctx.IdempotencyKey is { } key)
        {
            provider.RememberIdempotencyKey(ctx.ApiKey, key, task);
        }

        account.Track(task);
        provider.CountCreated(task, ctx.IdempotencyKey);
        // Kept before the reply leaves: a provider that answered has the task, whatever happens to this process.
        provider.State.Journal?.Append(new JournalEntry(provider.Name, ctx.DecisionKey, ctx.Occurrence, ctx.IdempotencyKey, task));
        return (task, null);
    }

    /// <summary>A 400 in the provider's shape, counted.</summary>
    public SimReply Invalid(RequestContext ctx, IReadOnlyList<FieldProblem> problems)
    {
        provider.Counters.Count(Counter.ValidationError);
        return dialect.Error(ctx.Http, ctx.Now, SimError.Validation, null, problems);
    }

    /// <summary>A 404 in the provider's shape, counted.</summary>
    public SimReply NotFound(RequestContext ctx, string? detail = null)
    {
        provider.Counters.Count(Counter.NotFound);
        return dialect.Error(ctx.Http, ctx.Now, SimError.NotFound, detail);
    }

    /// <summary>The download URL of one output of a finished task.</summary>
    public string ResultUrl(SimTask task, int index)
    {
        var state = provider.State;
        var expires = task.ExpiredOutputs.Contains(index)
            ? task.FinishedAt
            : task.FinishedAt + state.Scaled(provider.Scenario.ResultUrlTtlSeconds);
        var token = state.Tokens.Create(provider.Name, task.Id, index, expires);
        return $"{state.PublicOrigin}/files/{provider.Name}/{token}.mp4";
    }
}
