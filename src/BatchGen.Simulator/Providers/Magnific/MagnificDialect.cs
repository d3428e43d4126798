using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>
/// Magnific: <c>x-magnific-api-key</c> (the older <c>x-freepik-api-key</c> is accepted too; a Bearer token is not),
/// errors as <c>{"message"}</c>, validation as problem+json with <c>invalid_params</c>.
/// </summary>
internal sealed class MagnificDialect : IProviderDialect
{
    public string? ReadApiKey(HttpRequest request) =>
        DialectHelpers.Header(request, "x-magnific-api-key") ?? DialectHelpers.Header(request, "x-freepik-api-key");

    public SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null)
    {
        if (error == SimError.Validation)
        {
            var invalid = new JsonArray();
            foreach (var p in problems ?? [])
            {
                invalid.Add(new JsonObject { ["name"] = p.Name, ["reason"] = p.Reason });
            }

            return SimReply.Of(400, new JsonObject
            {
                ["message"] = "Your request parameters didn't validate.",
                ["invalid_params"] = invalid,
            }, "application/problem+json");
        }

        var (status, message) = error switch
        {
            SimError.MissingKey => (401, "Missing API key"),
            SimError.InvalidKey => (401, "Invalid API key"),
            SimError.NotFound => (404, detail ?? "Not found"),
            SimError.RateLimited => (429, "Too many requests"),
            SimError.Concurrency => (429, "Too many requests: concurrent task limit reached"),
            SimError.Credits => (402, "Insufficient credits. Top up your balance to continue."),
            SimError.Server500 => (500, "Internal Server Error"),
            SimError.BadGateway502 => (502, "Bad Gateway"),
            SimError.Unavailable503 => (503, "Service Unavailable. Please try again later."),
            _ => (504, "Gateway Timeout"),
        };
        return SimReply.Of(status, new JsonObject { ["message"] = message });
    }
}
