using System.Text.Json;
using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Pixwith;

/// <summary>
/// Pixwith: <c>POST {base}/api/task/create</c>, <c>POST {base}/api/task/get</c> with <c>{task_id}</c>, header
/// <c>Api-Key</c>. Every reply is a <c>{code,message,data}</c> envelope; errors come inside HTTP 200.
/// <c>model_id</c> comes from <see cref="ProviderSettings.Model"/> (default <c>2-27</c>, PixVerse V5).
/// </summary>
internal sealed partial class PixwithAdapter : IProviderAdapter
{
    public const string ApiKeyHeader = "Api-Key";
    public const string DefaultModel = "2-27";

    private readonly ProviderSettings settings;
    private readonly ProviderTransport transport;
    private readonly Uri createUri;
    private readonly Uri getUri;
    private readonly Uri preUrlUri;
    private readonly HttpClient http;
    private readonly TimeProvider time;

    public PixwithAdapter(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider)
    {
        this.settings = settings;
        this.http = http;
        time = timeProvider;
        preUrlUri = JsonBodies.Combine(settings.BaseUrl, "api/task/pre_url");
        var errors = new ErrorClassifier(settings, apiKey, timeProvider);
        transport = new ProviderTransport(http, headers => headers.TryAddWithoutValidation(ApiKeyHeader, apiKey), errors);
        createUri = JsonBodies.Combine(settings.BaseUrl, "api/task/create");
        getUri = JsonBodies.Combine(settings.BaseUrl, "api/task/get");
    }

    public string Name => ProviderNames.Pixwith;

    public async Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken)
    {
        var operation = $"submit of job {job.Id}";
        var body = PixwithRequest.Body(job.Parameters, settings.Model ?? DefaultModel);
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Post, createUri, body, job.Id), operation, true, cancellationToken);
        var (data, error) = PixwithEnvelope.Open(reply, transport.Errors, operation, isSubmit: true);
        if (error is not null)
        {
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status };
        }

        var taskId = data.Text("task_id");
        if (string.IsNullOrEmpty(taskId))
        {
            return new SubmitOutcome
            {
                Error = transport.Errors.Malformed(operation, "the reply has no data.task_id", reply.Status, isSubmit: true),
                HttpStatus = reply.Status,
            };
        }

        var estimate = data.Number("estimated_time");
        return new SubmitOutcome
        {
            RemoteId = taskId,
            State = RemoteState.Running,
            EstimatedTime = estimate is > 0 and < 86_400 ? TimeSpan.FromSeconds((double)estimate.Value) : null,
            HttpStatus = reply.Status,
        };
    }

    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        var operation = $"poll of task {remoteId}";
        var body = new JsonObject { ["task_id"] = remoteId };
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Post, getUri, body, null), operation, false, cancellationToken);
        var (data, error) = PixwithEnvelope.Open(reply, transport.Errors, operation, isSubmit: false);
        if (error is not null)
        {
            return (reply with { Error = error }).PollFailure();
        }

        var raw = data.Text("status");
        var state = PixwithStatus.Map(raw);
        return state switch
        {
            RemoteState.Succeeded => Succeeded(data, raw, operation, reply.Status),
            RemoteState.Failed => new PollOutcome
            {
                State = state,
                RawStatus = raw,
                HttpStatus = reply.Status,
                Error = transport.Errors.TaskFailed(remoteId, data.Text("message") ?? data.Text("error"), reply.Status),
            },
            _ => new PollOutcome { State = state, RawStatus = raw, HttpStatus = reply.Status },
        };
    }

    private PollOutcome Succeeded(JsonElement data, string? raw, string operation, int? status)
    {
        var urls = JsonReading.Urls(data.Get("result_urls"));
        return urls.Count > 0
            ? new PollOutcome { State = RemoteState.Succeeded, RawStatus = raw, ResultUrls = urls, HttpStatus = status }
            : new PollOutcome
            {
                RawStatus = raw,
                HttpStatus = status,
                Error = transport.Errors.Malformed(operation, "status 2 without result_urls", status, isSubmit: false),
            };
    }
}
