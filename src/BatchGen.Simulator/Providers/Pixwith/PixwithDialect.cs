using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>
/// Pixwith: header <c>Api-Key</c>; every reply is the <c>{code, message, data}</c> envelope. Application errors
/// (key, validation, credits, unknown task, concurrency) are <c>code: 0</c> inside HTTP 200; only gateway-level
/// conditions (429, 5xx) use an HTTP error status, still with the envelope.
/// </summary>
internal sealed class PixwithDialect : IProviderDialect
{
    public string? ReadApiKey(HttpRequest request) => DialectHelpers.Header(request, "Api-Key");

    public static JsonObject Envelope(int code, string message, JsonNode? data) =>
        new() { ["code"] = code, ["message"] = message, ["data"] = data };

    public SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null)
    {
        var (status, message) = error switch
        {
            SimError.MissingKey or SimError.InvalidKey => (200, "Invalid API key. Get a valid API key at https://pixwith.ai/api"),
            SimError.Validation => (200, "Invalid parameters: " + DialectHelpers.Describe(problems)),
            SimError.NotFound => (200, detail ?? "Task not found"),
            SimError.Concurrency => (200, "Too many tasks in progress, please wait for a task to finish"),
            SimError.Credits => (200, "Credits not enough"),
            SimError.RateLimited => (429, "Too many requests"),
            SimError.Server500 => (500, "Internal server error"),
            SimError.BadGateway502 => (502, "Bad gateway"),
            SimError.Unavailable503 => (503, "Service unavailable"),
            _ => (504, "Gateway timeout"),
        };
        return SimReply.Of(status, Envelope(0, message, null));
    }
}
