using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchGen.Core.Providers.Http;

/// <summary>
/// One HTTP attempt for an adapter: adds the auth header, sends, reads the whole reply with the caller's token and
/// turns transport failures into classified errors. Cancellation by the caller escapes as
/// <see cref="OperationCanceledException"/>; any other cancellation (the HttpClient timeout) is a retryable timeout.
/// </summary>
internal sealed class ProviderTransport(HttpClient http, Action<HttpRequestHeaders> authenticate, ErrorClassifier errors)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    public ErrorClassifier Errors => errors;

    /// <summary>A JSON request to an absolute URI; <paramref name="idempotencyKey"/> is set on submits.</summary>
    public static HttpRequestMessage JsonRequest(HttpMethod method, Uri uri, JsonNode? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            // The body's UTF-8 bytes written directly (the same bytes as ToJsonString, without the string and its re-encoding).
            request.Content = new ByteArrayContent(Utf8(body)) { Headers = { ContentType = JsonUtf8 } };
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        // Stored as given (it is a valid value): no parse per request.
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return request;
    }

    /// <summary>The UTF-8 JSON text of <paramref name="body"/>, as <see cref="JsonNode.ToJsonString"/> writes it.</summary>
    internal static byte[] Utf8(JsonNode body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public async Task<SendResult> SendAsync(HttpRequestMessage request, string operation, bool isSubmit, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (Prepare(request, operation) is { } notSent)
            {
                return new SendResult(null, notSent);
            }

            SendTracking.MarkStarted();
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var reply = new HttpReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, CopyHeaders(response), body)
                {
                    RetryAfter = response.Headers.RetryAfter,
                };
                return new SendResult(reply, null);
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException)
            {
                // Whatever broke, a cancelled caller gets a cancellation, never a classified error.
                cancellationToken.ThrowIfCancellationRequested();
                return new SendResult(
                    null,
                    exception is OperationCanceledException
                        ? errors.Timeout(operation, isSubmit)
                        : errors.Connection(operation, exception, isSubmit));
            }
        }
    }

    /// <summary>
    /// Adds the auth header and checks every header value before anything leaves: a value with a line break or a
    /// non-ASCII character would inject a header or be refused by the handler after the request was counted as sent.
    /// Returns the "not sent" error, or null when the request may go.
    /// </summary>
    private ProviderError? Prepare(HttpRequestMessage request, string operation)
    {
        try
        {
            authenticate(request.Headers);
        }
#pragma warning disable CA1031 // Whatever header building throws, nothing was sent: a classified error, never a crash.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return errors.NotSent(operation, "the API key cannot be put in an HTTP header; nothing was sent", keyProblem: true);
        }

        foreach (var (name, values) in request.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                if (!IsSafeHeaderValue(value))
                {
                    return errors.NotSent(operation, $"the {name} header would hold a line break, a control or a non-ASCII character; nothing was sent", keyProblem: true);
                }
            }
        }

        return null;
    }

    private static bool IsSafeHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c is not ((>= ' ' and <= '~') or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The reply's headers as received (not parsed and re-rendered: the raw values, several joined with ", ").</summary>
    private static Dictionary<string, string> CopyHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            headers.TryAdd(name, values.ToString());
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            headers.TryAdd(name, values.ToString());
        }

        return headers;
    }
}
