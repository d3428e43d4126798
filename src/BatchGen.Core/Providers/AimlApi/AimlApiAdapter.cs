using System.Net.Http.Headers;
using System.Text.Json;
using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.AimlApi;

/// <summary>
/// AI/ML API: <c>POST {base}/v2/video/generations</c>, <c>GET {base}/v2/video/generations?generation_id=</c>, Bearer
/// auth. The model id comes from <see cref="ProviderSettings.Model"/> (both documented spellings,
/// <c>pixverse/v5-5-image-to-video</c> and <c>pixverse/v5.5/image-to-video</c>, are sent as given).
/// <c>meta.usage.credits_used</c> becomes <see cref="SubmitOutcome.ActualCostUsd"/>.
/// </summary>
internal sealed class AimlApiAdapter : IProviderAdapter
{
    public const string DefaultModel = "pixverse/v5-5-image-to-video";

    private readonly ProviderSettings settings;
    private readonly ProviderTransport transport;
    private readonly Uri endpoint;

    public AimlApiAdapter(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider)
    {
        this.settings = settings;
        var errors = new ErrorClassifier(settings, apiKey, timeProvider);
        transport = new ProviderTransport(http, headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey), errors);
        endpoint = JsonBodies.Combine(settings.BaseUrl, "v2/video/generations");
    }

    public string Name => ProviderNames.AimlApi;

    public async Task<SubmitOutcome> SubmitAsync(JobSpec job, CancellationToken cancellationToken)
    {
        var operation = $"submit of job {job.Id}";
        var body = AimlApiRequest.Body(job.Parameters, settings.Model ?? DefaultModel);
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Post, endpoint, body, job.Id), operation, true, cancellationToken);
        if (reply.Error is { } error)
        {
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status };
        }

        var id = reply.Root.Text("id") ?? reply.Root.Text("generation_id");
        if (string.IsNullOrEmpty(id))
        {
            return new SubmitOutcome
            {
                Error = transport.Errors.Malformed(operation, "the reply has no id", reply.Status, isSubmit: true),
                HttpStatus = reply.Status,
            };
        }

        var state = AimlApiStatus.Map(reply.Root.Text("status") ?? "queued");
        return new SubmitOutcome
        {
            RemoteId = id,
            State = state,
            HttpStatus = reply.Status,
            ActualCostUsd = CostUsd(reply.Root),
            Error = state == RemoteState.Failed ? transport.Errors.TaskFailed(id, FailureReason(reply.Root), reply.Status) : null,
        };
    }

    public async Task<PollOutcome> PollAsync(string remoteId, CancellationToken cancellationToken)
    {
        var operation = $"poll of task {remoteId}";
        var uri = new Uri($"{endpoint.AbsoluteUri}?generation_id={Uri.EscapeDataString(remoteId)}");
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Get, uri, null, null), operation, false, cancellationToken);
        if (reply.Error is not null)
        {
            return reply.PollFailure();
        }

        var raw = reply.Root.Text("status");
        var state = AimlApiStatus.Map(raw);
        var cost = CostUsd(reply.Root);
        if (state == RemoteState.Failed)
        {
            return new PollOutcome
            {
                State = state,
                RawStatus = raw,
                HttpStatus = reply.Status,
                ActualCostUsd = cost,
                Error = transport.Errors.TaskFailed(remoteId, FailureReason(reply.Root), reply.Status),
            };
        }

        if (state != RemoteState.Succeeded)
        {
            return new PollOutcome { State = state, RawStatus = raw, HttpStatus = reply.Status, ActualCostUsd = cost };
        }

        var urls = JsonReading.Urls(reply.Root.Get("video"));
        return urls.Count > 0
            ? new PollOutcome { State = state, RawStatus = raw, ResultUrls = urls, HttpStatus = reply.Status, ActualCostUsd = cost }
            : new PollOutcome
            {
                RawStatus = raw,
                HttpStatus = reply.Status,
                Error = transport.Errors.Malformed(operation, $"{raw} without video.url", reply.Status, isSubmit: false),
            };
    }

    /// <summary>credits_used converted with <see cref="ProviderSettings.ReportedCreditUsd"/> or the credit price table.</summary>
    internal decimal? CostUsd(JsonElement root)
    {
        var credits = root.Number("meta", "usage", "credits_used");
        var usdPerCredit = settings.ReportedCreditUsd
            ?? (settings.Pricing.Unit == PriceUnits.Credits ? settings.Pricing.UsdPerCredit : null);
        return credits is { } used && usdPerCredit is { } rate ? decimal.Round(used * rate, 6) : null;
    }

    private static string? FailureReason(JsonElement root)
    {
        var name = root.Text("error", "name");
        var message = root.Text("error", "message") ?? root.Text("error") ?? root.Text("message");
        return name is null ? message : $"{name}: {message}";
    }
}
