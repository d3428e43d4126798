using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>One authenticated API call as a handler sees it.</summary>
internal sealed class RequestContext
{
    private JsonElement? root;
    private bool parsed;

    public required HttpContext Http { get; init; }

    public required ProviderRuntime Provider { get; init; }

    public required byte[] Body { get; init; }

    public required string ApiKey { get; init; }

    public required DateTimeOffset Now { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Submits: the Idempotency-Key, or a hash of the body when there is none. Seeds every draw of the task.</summary>
    public string DecisionKey { get; set; } = string.Empty;

    /// <summary>Submits: how many submits with the same <see cref="DecisionKey"/> came before.</summary>
    public int Occurrence { get; set; }

    /// <summary>The body as a JSON value, or null when it is empty or not JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            if (!parsed)
            {
                parsed = true;
                root = Parse(Body);
            }

            return root;
        }
    }

    private static JsonElement? Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
