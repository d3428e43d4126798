using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>A reply a handler wants sent; the pipeline may still drop it (connection reset) or break it (malformed JSON).</summary>
internal sealed class SimReply
{
    /// <summary>Plain JSON as APIs write it: no escaping of quotes, apostrophes or angle brackets.</summary>
    public static readonly JsonSerializerOptions WireJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Status { get; init; } = StatusCodes.Status200OK;

    public JsonNode? Json { get; init; }

    /// <summary>A raw text body (used instead of <see cref="Json"/> when set).</summary>
    public string? Text { get; init; }

    public string ContentType { get; init; } = "application/json";

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Writes the body itself (streamed video).</summary>
    public Func<HttpContext, CancellationToken, Task>? Writer { get; init; }

    public static SimReply Ok(JsonNode json) => new() { Json = json };

    public static SimReply Of(int status, JsonNode json, string contentType = "application/json") =>
        new() { Status = status, Json = json, ContentType = contentType };

    /// <summary>The same reply with its JSON text cut in half (a malformed body with a 200 status).</summary>
    public SimReply Malformed()
    {
        var text = Text ?? Json?.ToJsonString(WireJson) ?? "{}";
        var reply = new SimReply { Status = Status, Text = text[..Math.Max(1, text.Length / 2)], ContentType = ContentType };
        foreach (var (k, v) in Headers)
        {
            reply.Headers[k] = v;
        }

        return reply;
    }

    public async Task WriteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Writer is not null)
        {
            await Writer(http, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var bytes = Text is not null
            ? System.Text.Encoding.UTF8.GetBytes(Text)
            : Json is not null ? JsonSerializer.SerializeToUtf8Bytes(Json, WireJson) : [];
        response.ContentType = ContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }
}
