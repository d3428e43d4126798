using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>GMI Cloud: <c>Authorization: Bearer</c>; errors as <c>{"error": "..."}</c> (the field its public clients read).</summary>
internal sealed class GmiCloudDialect : IProviderDialect
{
    public string? ReadApiKey(HttpRequest request) => DialectHelpers.Bearer(request);

    public SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null)
    {
        var (status, message) = error switch
        {
            SimError.MissingKey => (401, "missing Authorization header: use 'Authorization: Bearer <API key>'"),
            SimError.InvalidKey => (401, "invalid API key"),
            SimError.Validation => (400, "invalid request: " + DialectHelpers.Describe(problems)),
            SimError.NotFound => (404, detail ?? "request not found"),
            SimError.RateLimited => (429, "rate limit exceeded, please retry later"),
            SimError.Concurrency => (429, "too many concurrent requests for this API key"),
            SimError.Credits => (402, "insufficient balance"),
            SimError.Server500 => (500, "internal server error"),
            SimError.BadGateway502 => (502, "bad gateway"),
            SimError.Unavailable503 => (503, "service unavailable, please retry later"),
            _ => (504, "gateway timeout"),
        };
        return SimReply.Of(status, new JsonObject { ["error"] = message });
    }
}
