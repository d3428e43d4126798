using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;
using BatchGen.Core.Webhooks;

namespace BatchGen.Core.Providers.Magnific;

/// <summary>
/// Magnific (formerly Freepik API), PixVerse V5.5 image-to-video: <c>POST {base}/v1/ai/image-to-video/pixverse-v5-5</c>,
/// <c>GET …/{task-id}</c>, list <c>GET …</c>. Auth header <c>x-magnific-api-key</c>. Replies are wrapped in <c>data</c>.
/// <see cref="ProviderSettings.Model"/> names the endpoint segment (default <c>pixverse-v5-5</c>). With a webhook
/// secret it also checks status callbacks (<see cref="IWebhookSource"/>).
/// </summary>
internal sealed class MagnificAdapter : IProviderAdapter, ITaskLister, IWebhookSource
{
    public const string ApiKeyHeader = "x-magnific-api-key";
    public const string LegacyApiKeyHeader = "x-freepik-api-key";
    public const string DefaultModel = "pixverse-v5-5";

    private readonly ProviderSettings settings;
    private readonly ProviderTransport transport;
    private readonly Uri endpoint;
    private readonly string? webhookSecret;

    public MagnificAdapter(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider, string? webhookSecret = null)
    {
        this.settings = settings;
        this.webhookSecret = webhookSecret;
        var errors = new ErrorClassifier(settings, apiKey, timeProvider);
        // Older deployments on api.freepik.com read the key from x-freepik-api-key; send it there as well.
        var legacyHost = settings.BaseUrl.Host.EndsWith("freepik.com", StringComparison.OrdinalIgnoreCase);
        transport = new ProviderTransport(
            http,
            headers =>
            {
                headers.TryAddWithoutValidation(ApiKeyHeader, apiKey);
                if (legacyHost)
                {
                    headers.TryAddWithoutValidation(LegacyApiKeyHeader, apiKey);
                }
            },
            errors);
        endpoint = JsonBodies.Combine(settings.BaseUrl, $"v1/ai/image-to-video/{settings.Model ?? DefaultModel}");
    }

    public string Name => ProviderNames.Magnific;

    public async Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken)
    {
        var body = MagnificRequest.Body(job.Parameters, settings.WebhookUrl);
        var request = ProviderTransport.JsonRequest(HttpMethod.Post, endpoint, body, job.Id);
        var reply = await transport.SendJsonAsync(request, $"submit of job {job.Id}", isSubmit: true, cancellationToken);
        if (reply.Error is { } error)
        {
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status };
        }

        var taskId = reply.Root.Text("data", "task_id");
        if (string.IsNullOrEmpty(taskId))
        {
            return new SubmitOutcome
            {
                Error = transport.Errors.Malformed($"submit of job {job.Id}", "the reply has no data.task_id", reply.Status, isSubmit: true),
                HttpStatus = reply.Status,
            };
        }

        var state = MagnificStatus.Map(reply.Root.Text("data", "status"));
        return new SubmitOutcome
        {
            RemoteId = taskId,
            State = state,
            HttpStatus = reply.Status,
            Error = state == RemoteState.Failed ? transport.Errors.TaskFailed(taskId, null, reply.Status) : null,
        };
    }

    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        var uri = JsonBodies.Combine(endpoint, Uri.EscapeDataString(remoteId));
        var operation = $"poll of task {remoteId}";
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Get, uri, null, null), operation, false, cancellationToken);
        if (reply.Error is not null)
        {
            return reply.PollFailure();
        }

        // The GET reply wraps the task in "data"; a webhook body is the same task without the wrapper.
        var task = reply.Root.Get("data") ?? reply.Root;
        return ParseTask(task, remoteId, reply.Status);
    }

    /// <summary>Parses one task object (<c>{task_id,status,generated}</c>): the poll reply's data or a webhook body.</summary>
    public PollOutcome ParseTask(JsonElement task, string remoteId, int? httpStatus)
    {
        var raw = task.Text("status");
        var state = MagnificStatus.Map(raw);
        return state switch
        {
            RemoteState.Succeeded => Succeeded(task, remoteId, raw, httpStatus),
            RemoteState.Failed => new PollOutcome
            {
                State = state,
                RawStatus = raw,
                HttpStatus = httpStatus,
                Error = transport.Errors.TaskFailed(remoteId, ErrorBodies.Message(task), httpStatus),
            },
            _ => new PollOutcome { State = state, RawStatus = raw, HttpStatus = httpStatus },
        };
    }

    /// <summary>
    /// Parses a webhook body (the task object without the <c>data</c> wrapper); null when it is not a task.
    /// Verify the delivery first with <see cref="MagnificWebhook.Verify"/>.
    /// </summary>
    public (string RemoteId, PollOutcome Outcome)? ParseWebhook(ReadOnlyMemory<byte> body)
    {
        using var document = JsonReading.TryParse(body);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        var task = root.Get("data") ?? root;
        return task.Text("task_id") is { Length: > 0 } id ? (id, ParseTask(task, id, null)) : null;
    }

    /// <summary>
    /// A delivery is accepted only with a valid signature and a timestamp within five minutes of now; without a secret
    /// every delivery is refused. A verified body that is not a task (or says COMPLETED without a URL) is malformed.
    /// </summary>
    public WebhookCheck Check(Func<string, string?> header, ReadOnlyMemory<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        var id = header(MagnificWebhook.IdHeader);
        if (webhookSecret is null
            || !MagnificWebhook.Verify(webhookSecret, id, header(MagnificWebhook.TimestampHeader), body.Span, header(MagnificWebhook.SignatureHeader), now, MagnificWebhook.DefaultTolerance))
        {
            return WebhookCheck.Unauthorized;
        }

        if (ParseWebhook(body) is not { } parsed || parsed.Outcome.State is null || string.IsNullOrEmpty(parsed.Outcome.RawStatus))
        {
            return WebhookCheck.Malformed;
        }

        return new WebhookCheck(
            WebhookVerdict.Accepted,
            new WebhookDelivery(Name, parsed.RemoteId, parsed.Outcome.RawStatus.ToUpperInvariant(), parsed.Outcome, id));
    }

    public async Task<IReadOnlyList<(string RemoteId, RemoteState State)>?> ListTasksAsync(CancellationToken cancellationToken)
    {
        var request = ProviderTransport.JsonRequest(HttpMethod.Get, endpoint, null, null);
        var reply = await transport.SendJsonAsync(request, "task list", false, cancellationToken);
        if (reply.Error is not null || reply.Root.Get("data") is not { ValueKind: JsonValueKind.Array } items)
        {
            return null;
        }

        var tasks = new List<(string, RemoteState)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.Text("task_id") is { Length: > 0 } id)
            {
                tasks.Add((id, MagnificStatus.Map(item.Text("status"))));
            }
        }

        return tasks;
    }

    private PollOutcome Succeeded(JsonElement task, string remoteId, string? raw, int? httpStatus)
    {
        var urls = JsonReading.Urls(task.Get("generated"));
        return urls.Count > 0
            ? new PollOutcome { State = RemoteState.Succeeded, RawStatus = raw, ResultUrls = urls, HttpStatus = httpStatus }
            : new PollOutcome
            {
                RawStatus = raw,
                HttpStatus = httpStatus,
                Error = transport.Errors.Malformed($"poll of task {remoteId}", "COMPLETED without a generated URL", httpStatus, isSubmit: false),
            };
    }
}
