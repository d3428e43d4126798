using System.Net.Http.Headers;
using System.Text;
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

    public ErrorClassifier Errors => errors;

    /// <summary>A JSON request to an absolute URI; <paramref name="idempotencyKey"/> is set on submits.</summary>
    public static HttpRequestMessage JsonRequest(HttpMethod method, Uri uri, JsonNode? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    public async Task<SendResult> SendAsync(HttpRequestMessage request, string operation, bool isSubmit, CancellationToken cancellationToken)
    {
        using (request)
        {
            authenticate(request.Headers);
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

    private static Dictionary<string, string> CopyHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers.TryAdd(name, string.Join(", ", values));
        }

        return headers;
    }
}
