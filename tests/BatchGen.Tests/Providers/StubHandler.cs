using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace BatchGen.Tests.Providers;

/// <summary>A request as the stub saw it: method, absolute URI, headers (first value) and body text.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, string? ContentType)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A canned reply; built fresh for every request.</summary>
public sealed record StubResponse(HttpStatusCode Status, byte[] Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public static StubResponse Json(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers) =>
        new(status, Encoding.UTF8.GetBytes(body), "application/json", headers.ToDictionary(h => h.Name, h => h.Value));

    public static StubResponse Problem(string body, HttpStatusCode status) =>
        new(status, Encoding.UTF8.GetBytes(body), "application/problem+json", new Dictionary<string, string>());

    public static StubResponse Text(string body, HttpStatusCode status, string contentType = "text/html") =>
        new(status, Encoding.UTF8.GetBytes(body), contentType, new Dictionary<string, string>());

    public static StubResponse Bytes(byte[] body, string contentType, params (string Name, string Value)[] headers) =>
        new(HttpStatusCode.OK, body, contentType, headers.ToDictionary(h => h.Name, h => h.Value));

    public StubResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers) { [name] = value } };

    public HttpResponseMessage ToMessage()
    {
        var message = new HttpResponseMessage(Status) { Content = new ByteArrayContent(Body) };
        if (ContentType is not null)
        {
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}

/// <summary>
/// Records every request and answers from a queue of canned replies (the last one repeats), or throws what
/// <see cref="Throw"/> says, or waits for cancellation when <see cref="Hang"/> is set.
/// </summary>
public sealed class StubHandler : HttpMessageHandler
{
    private readonly Queue<StubResponse> responses = new();
    private StubResponse? last;

    public List<RecordedRequest> Requests { get; } = [];

    public Exception? Throw { get; set; }

    public bool Hang { get; set; }

    public StubHandler Reply(params StubResponse[] replies)
    {
        foreach (var reply in replies)
        {
            responses.Enqueue(reply);
        }

        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        string? body = null;
        string? contentType = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsStringAsync(cancellationToken);
            contentType = request.Content.Headers.ContentType?.MediaType;
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body, contentType));
        if (Hang)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        if (Throw is not null)
        {
            throw Throw;
        }

        if (responses.Count > 0)
        {
            last = responses.Dequeue();
        }

        return (last ?? throw new InvalidOperationException("The stub has no reply queued.")).ToMessage();
    }
}
