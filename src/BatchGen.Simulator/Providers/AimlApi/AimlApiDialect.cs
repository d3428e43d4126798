using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>
/// AI/ML API: <c>Authorization: Bearer</c>; errors as <c>{"message","path","requestId","statusCode","timestamp"}</c>
/// (validation adds <c>errors[]</c> with the expected/received detail). Credits exhausted is 403, a generation timeout 504.
/// </summary>
internal sealed class AimlApiDialect : IProviderDialect
{
    public string? ReadApiKey(HttpRequest request) => DialectHelpers.Bearer(request);

    public SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null)
    {
        var (status, message) = error switch
        {
            SimError.MissingKey or SimError.InvalidKey => (401, "This request requires a valid API key. Get your key at https://aimlapi.com/app/keys"),
            SimError.Validation => (400, "Body validation error!"),
            SimError.NotFound => (404, detail ?? "Not found"),
            SimError.RateLimited or SimError.Concurrency => (429, "Too Many Requests"),
            SimError.Credits => (403, "You've run out of credits. Please top up your balance or update your payment method to continue."),
            SimError.Server500 => (500, "Internal server error"),
            SimError.BadGateway502 => (502, "Bad gateway"),
            SimError.Unavailable503 => (503, "Service unavailable"),
            _ => (504, "Generation timeout"),
        };
        var body = new JsonObject
        {
            ["message"] = message,
            ["path"] = http.Request.Path.Value is { } p && p.StartsWith("/aimlapi", StringComparison.Ordinal) ? p["/aimlapi".Length..] : http.Request.Path.Value,
            ["requestId"] = http.TraceIdentifier,
            ["statusCode"] = status,
            ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        if (problems is { Count: > 0 })
        {
            var errors = new JsonArray();
            foreach (var problem in problems)
            {
                errors.Add(new JsonObject { ["path"] = problem.Name, ["message"] = problem.Reason });
            }

            body["errors"] = errors;
        }

        return SimReply.Of(status, body);
    }
}
