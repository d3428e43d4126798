using System.Net.Http.Headers;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.GmiCloud;

/// <summary>
/// GMI Cloud request queue: <c>POST {base}/api/v1/ie/requestqueue/apikey/requests</c> with <c>{model, payload}</c>,
/// <c>GET …/requests/{request_id}</c>. Bearer auth. The result is <c>outcome.media_urls[].url</c>, falling back to
/// <c>outcome.video_url</c>; <c>outcome</c> is null until done; failures carry a top-level <c>error</c> string.
/// </summary>
internal sealed class GmiCloudAdapter : IProviderAdapter
{
    public const string DefaultModel = "pixverse-v5.5-i2v";

    private readonly ProviderSettings settings;
    private readonly ProviderTransport transport;
    private readonly Uri endpoint;

    public GmiCloudAdapter(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider)
    {
        this.settings = settings;
        var errors = new ErrorClassifier(settings, apiKey, timeProvider);
        transport = new ProviderTransport(http, headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey), errors);
        endpoint = JsonBodies.Combine(settings.BaseUrl, "api/v1/ie/requestqueue/apikey/requests");
    }

    public string Name => ProviderNames.GmiCloud;

    public async Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken)
    {
        var operation = $"submit of job {job.Id}";
        var body = GmiCloudRequest.Body(job.Parameters, settings.Model ?? DefaultModel);
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Post, endpoint, body, job.Id), operation, true, cancellationToken);
        if (reply.Error is { } error)
        {
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status };
        }

        var requestId = reply.Root.Text("request_id") ?? reply.Root.Text("id");
        if (string.IsNullOrEmpty(requestId))
        {
            return new SubmitOutcome
            {
                Error = transport.Errors.Malformed(operation, "the reply has no request_id", reply.Status, isSubmit: true),
                HttpStatus = reply.Status,
            };
        }

        var raw = reply.Root.Text("status");
        var state = raw is null ? RemoteState.Queued : GmiCloudStatus.Map(raw);

        // Some replies already report the request as failed: it exists remotely, so its id is kept.
        return new SubmitOutcome
        {
            RemoteId = requestId,
            State = state,
            HttpStatus = reply.Status,
            Error = state == RemoteState.Failed ? transport.Errors.TaskFailed(requestId, FailureReason(reply.Root), reply.Status) : null,
        };
    }

    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        var operation = $"poll of task {remoteId}";
        var uri = JsonBodies.Combine(endpoint, Uri.EscapeDataString(remoteId));
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Get, uri, null, null), operation, false, cancellationToken);
        if (reply.Error is not null)
        {
            return reply.PollFailure();
        }

        var raw = reply.Root.Text("status");
        var state = GmiCloudStatus.Map(raw);
        if (state == RemoteState.Failed)
        {
            return new PollOutcome
            {
                State = state,
                RawStatus = raw,
                HttpStatus = reply.Status,
                Error = transport.Errors.TaskFailed(remoteId, FailureReason(reply.Root), reply.Status),
            };
        }

        if (state != RemoteState.Succeeded)
        {
            return new PollOutcome { State = state, RawStatus = raw, HttpStatus = reply.Status };
        }

        var urls = ResultUrls(reply.Root);
        return urls.Count > 0
            ? new PollOutcome { State = state, RawStatus = raw, ResultUrls = urls, HttpStatus = reply.Status }
            : new PollOutcome
            {
                RawStatus = raw,
                HttpStatus = reply.Status,
                Error = transport.Errors.Malformed(operation, "success without a video URL in outcome", reply.Status, isSubmit: false),
            };
    }

    /// <summary><c>outcome.media_urls[].url</c>, else <c>outcome.video_url</c>.</summary>
    internal static List<Uri> ResultUrls(JsonElement root)
    {
        var urls = JsonReading.Urls(root.Get("outcome", "media_urls"));
        return urls.Count > 0 ? urls : JsonReading.Urls(root.Get("outcome", "video_url"));
    }

    private static string? FailureReason(JsonElement root) =>
        root.Text("error") ?? root.Text("error", "message") ?? root.Text("message") ?? root.Text("outcome", "error");
}
