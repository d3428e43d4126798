using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>
/// Segmind: header <c>x-api-key</c> (not Bearer); errors as <c>{"error": "..."}</c>; insufficient credits is 406; a 429
/// carries <c>x-rate-limit-reset-at-utc</c> and <c>x-rate-limit-remaining: 0</c>.
/// </summary>
internal sealed class SegmindDialect : IProviderDialect
{
    public string? ReadApiKey(HttpRequest request) => DialectHelpers.Header(request, "x-api-key");

    public SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null)
    {
        var (status, message) = error switch
        {
            SimError.MissingKey => (401, "Unauthorized: missing x-api-key header"),
            SimError.InvalidKey => (401, "Unauthorized: invalid API key"),
            SimError.Validation => (400, "Bad Request: " + DialectHelpers.Describe(problems)),
            SimError.NotFound => (404, detail ?? "Not Found"),
            SimError.RateLimited => (429, "Rate limit exceeded. Please try again later."),
            SimError.Concurrency => (429, "Too many concurrent requests. Please try again later."),
            SimError.Credits => (406, "Insufficient credits. Please add credits to your account."),
            SimError.Server500 => (500, "Internal Server Error"),
            SimError.BadGateway502 => (502, "Bad Gateway"),
            SimError.Unavailable503 => (503, "Service Unavailable"),
            _ => (504, "Timeout"),
        };
        return SimReply.Of(status, new JsonObject { ["error"] = message });
    }

    public void Decorate(SimReply reply, KeyAccount account)
    {
        if (account.RateRemaining is { } remaining)
        {
            reply.Headers["x-rate-limit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }
    }

    public void AddRetryHint(SimReply reply, TimeSpan retryAfter, DateTimeOffset now)
    {
        reply.Headers["x-rate-limit-remaining"] = "0";
        reply.Headers["x-rate-limit-reset-at-utc"] = (now + retryAfter).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }
}
