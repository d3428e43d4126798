using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Segmind;

/// <summary>
/// Segmind <c>pixverse-5-video</c>, header <c>x-api-key</c>. Async (default): <c>POST {base}/v2/pixverse-5-video</c>,
/// <c>GET {base}/v2/requests/{id}/status</c>, then, once it says COMPLETED, the result <c>GET {base}/v2/requests/{id}</c>
/// (<see cref="FetchResultAsync"/>: a second call, so each of the two requests takes its own rate permit). Results
/// expire an hour after submission: a 404/410 on a poll is a permanent "expired".
/// With <see cref="ProviderSettings.Mode"/> = sync: <c>POST {base}/v1/pixverse-5-video</c> returns the video bytes.
/// 402/406 and "Insufficient Credits" are account-level; <c>x-remaining-credits</c> is reported.
/// </summary>
internal sealed partial class SegmindAdapter : IProviderAdapter
{
    public const string ApiKeyHeader = "x-api-key";
    public const string RemainingCreditsHeader = "x-remaining-credits";
    public const string DefaultModel = "pixverse-5-video";

    private readonly ProviderSettings settings;
    private readonly ProviderTransport transport;
    private readonly string model;

    public SegmindAdapter(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider)
    {
        this.settings = settings;
        var errors = new ErrorClassifier(settings, apiKey, timeProvider, new HashSet<int> { 402, 406 });
        transport = new ProviderTransport(http, headers => headers.TryAddWithoutValidation(ApiKeyHeader, apiKey), errors);
        model = settings.Model ?? DefaultModel;
    }

    public string Name => ProviderNames.Segmind;

    public bool IsSync => string.Equals(settings.Mode, ProviderModes.Sync, StringComparison.OrdinalIgnoreCase);

    public Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken) =>
        IsSync ? SubmitSyncAsync(job, cancellationToken) : SubmitAsyncMode(job, cancellationToken);

    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        var operation = $"poll of task {remoteId}";
        var id = Uri.EscapeDataString(remoteId);
        var status = await GetAsync($"v2/requests/{id}/status", operation, cancellationToken);
        if (Expired(status, remoteId) is { } expired)
        {
            return expired;
        }

        if (status.Error is not null)
        {
            return status.PollFailure() with { RemainingCredits = Credits(status.Reply) };
        }

        var raw = status.Root.Text("status");
        var state = SegmindStatus.Map(raw);
        if (state == RemoteState.Failed)
        {
            var code = raw?.Equals("EXPIRED", StringComparison.OrdinalIgnoreCase) == true ? ErrorCodes.Expired : null;
            return Failed(remoteId, raw, status, code);
        }

        return new PollOutcome
        {
            State = state,
            RawStatus = raw,
            HttpStatus = status.Status,
            RemainingCredits = Credits(status.Reply),
            ResultPending = state == RemoteState.Succeeded,
        };
    }

    /// <summary>The video URL(s) in <c>output</c>: a string, an array, or an object with a url.</summary>
    internal static List<Uri> OutputUrls(JsonElement root)
    {
        var urls = JsonReading.Urls(root.Get("output"));
        return urls.Count > 0 ? urls : JsonReading.Urls(root.Get("outputs"));
    }

    /// <summary>The result of a task whose status said COMPLETED: <c>GET {base}/v2/requests/{id}</c>, one request.</summary>
    public async Task<PollOutcome> FetchResultAsync(string remoteId, CancellationToken cancellationToken)
    {
        const string raw = SegmindStatus.Completed;
        var operation = $"result of task {remoteId}";
        var result = await GetAsync($"v2/requests/{Uri.EscapeDataString(remoteId)}", operation, cancellationToken);
        if (Expired(result, remoteId) is { } expired)
        {
            return expired;
        }

        if (result.Error is not null)
        {
            return result.PollFailure() with { RawStatus = raw };
        }

        var urls = OutputUrls(result.Root);
        return urls.Count > 0
            ? new PollOutcome
            {
                State = RemoteState.Succeeded,
                RawStatus = raw,
                ResultUrls = urls,
                HttpStatus = result.Status,
                RemainingCredits = Credits(result.Reply),
            }
            : new PollOutcome
            {
                RawStatus = raw,
                HttpStatus = result.Status,
                Error = transport.Errors.Malformed(operation, "COMPLETED without a video URL in output", result.Status, isSubmit: false),
            };
    }

    private async Task<SubmitOutcome> SubmitAsyncMode(JobSpec job, CancellationToken cancellationToken)
    {
        var operation = $"submit of job {job.Id}";
        var uri = JsonBodies.Combine(settings.BaseUrl, $"v2/{model}");
        var request = ProviderTransport.JsonRequest(HttpMethod.Post, uri, SegmindRequest.Body(job.Parameters), job.Id);
        var reply = await transport.SendJsonAsync(request, operation, true, cancellationToken);
        var credits = Credits(reply.Reply);
        if (reply.Error is { } error)
        {
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status, RemainingCredits = credits };
        }

        var id = reply.Root.Text("request_id") ?? reply.Root.Text("id");
        if (string.IsNullOrEmpty(id))
        {
            return new SubmitOutcome
            {
                Error = transport.Errors.Malformed(operation, "the reply has no request_id", reply.Status, isSubmit: true),
                HttpStatus = reply.Status,
                RemainingCredits = credits,
            };
        }

        var state = SegmindStatus.Map(reply.Root.Text("status") ?? "QUEUED");
        return new SubmitOutcome
        {
            RemoteId = id,
            State = state,
            HttpStatus = reply.Status,
            RemainingCredits = credits,
            Error = state == RemoteState.Failed ? transport.Errors.TaskFailed(id, reply.Root.Text("error"), reply.Status) : null,
        };
    }

    private async Task<JsonReply> GetAsync(string path, string operation, CancellationToken cancellationToken)
    {
        var request = ProviderTransport.JsonRequest(HttpMethod.Get, JsonBodies.Combine(settings.BaseUrl, path), null, null);
        return await transport.SendJsonAsync(request, operation, false, cancellationToken);
    }

    private PollOutcome? Expired(JsonReply reply, string remoteId) =>
        reply.Status is 404 or 410
            ? new PollOutcome
            {
                State = RemoteState.Failed,
                HttpStatus = reply.Status,
                RawStatus = reply.Status.Value.ToString(CultureInfo.InvariantCulture),
                Error = transport.Errors.Create(
                    ErrorClass.Permanent,
                    ErrorCodes.Expired,
                    $"task {remoteId}",
                    $"HTTP {reply.Status.Value.ToString(CultureInfo.InvariantCulture)}: {(reply.Reply is { } r ? ErrorBodies.Message(r.Body) : null) ?? "not found"}; results are kept one hour after submission") with
                {
                    HttpStatus = reply.Status,
                },
            }
            : null;

    private PollOutcome Failed(string remoteId, string? raw, JsonReply reply, string? code)
    {
        var error = transport.Errors.TaskFailed(remoteId, reply.Root.Text("error") ?? reply.Root.Text("error", "message") ?? raw, reply.Status);
        return new PollOutcome
        {
            State = RemoteState.Failed,
            RawStatus = raw,
            HttpStatus = reply.Status,
            Error = code is null ? error : error with { Code = code },
            RemainingCredits = Credits(reply.Reply),
        };
    }

    private static decimal? Credits(HttpReply? reply) =>
        reply?.Header(RemainingCreditsHeader) is { } text
        && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var credits)
            ? credits
            : null;
}
