using System.Text.Json;

namespace BatchGen.Core.Providers.Http;

/// <summary>A 2xx reply parsed as JSON, or the classified error (transport, non-2xx status, unreadable body).</summary>
internal sealed record JsonReply(HttpReply? Reply, JsonElement Root, ProviderError? Error)
{
    public int? Status => Reply?.Status;

    public static JsonReply From(SendResult sent, ErrorClassifier errors, string operation, bool isSubmit)
    {
        if (sent.Reply is not { } reply)
        {
            return new JsonReply(null, default, sent.Error);
        }

        if (!reply.IsSuccess)
        {
            return new JsonReply(reply, default, errors.FromHttp(reply, operation, isSubmit));
        }

        using var document = JsonReading.TryParse(reply.Body);
        return document is null || document.RootElement.ValueKind != JsonValueKind.Object
            ? new JsonReply(reply, default, errors.Malformed(operation, "the reply is not a JSON object", reply.Status, isSubmit))
            : new JsonReply(reply, document.RootElement.Clone(), null);
    }
}

internal static class ProviderTransportExtensions
{
    /// <summary>Sends and parses a JSON reply.</summary>
    public static async Task<JsonReply> SendJsonAsync(
        this ProviderTransport transport, HttpRequestMessage request, string operation, bool isSubmit, CancellationToken cancellationToken)
    {
        var sent = await transport.SendAsync(request, operation, isSubmit, cancellationToken);
        return JsonReply.From(sent, transport.Errors, operation, isSubmit);
    }

    /// <summary>
    /// The outcome of a poll that failed: a permanent error (404 task unknown, 410 gone, 400 bad id) means the task can
    /// no longer be followed, so its state is Failed; otherwise the state is unknown (null) and the poll can be retried.
    /// </summary>
    public static PollOutcome PollFailure(this JsonReply reply) => new()
    {
        Error = reply.Error,
        HttpStatus = reply.Status,
        State = reply.Error?.Class == ErrorClass.Permanent ? RemoteState.Failed : null,
    };
}
