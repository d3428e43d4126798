using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>Error situations every provider answers in its own shape.</summary>
internal enum SimError
{
    MissingKey,
    InvalidKey,
    Validation,
    NotFound,
    RateLimited,
    Concurrency,
    Credits,
    Server500,
    BadGateway502,
    Unavailable503,
    Timeout504,
}

/// <summary>How one provider authenticates and how its errors look on the wire.</summary>
internal interface IProviderDialect
{
    /// <summary>The API key the request carries, or null when it carries none.</summary>
    string? ReadApiKey(HttpRequest request);

    /// <summary>The provider's reply for an error. <paramref name="problems"/> is set for validation errors.</summary>
    SimReply Error(HttpContext http, DateTimeOffset now, SimError error, string? detail = null, IReadOnlyList<FieldProblem>? problems = null);

    /// <summary>Adds headers every successful reply of this provider carries (Segmind's remaining-requests count).</summary>
    void Decorate(SimReply reply, KeyAccount account)
    {
    }

    /// <summary>Adds the provider's rate-limit hint headers to a 429.</summary>
    void AddRetryHint(SimReply reply, TimeSpan retryAfter, DateTimeOffset now)
    {
        reply.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

internal static class DialectHelpers
{
    public static string? Bearer(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : string.Empty;
    }

    public static string? Header(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Validation problems as one sentence: <c>duration: must be one of 5, 8, got 7; ...</c>.</summary>
    public static string Describe(IReadOnlyList<FieldProblem>? problems) =>
        problems is null || problems.Count == 0 ? string.Empty : string.Join("; ", problems.Select(p => $"{p.Name}: {p.Reason}"));
}
