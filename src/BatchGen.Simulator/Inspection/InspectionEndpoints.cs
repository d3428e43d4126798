using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary><c>GET /_sim/requests</c>, <c>GET /_sim/stats</c>, <c>POST /_sim/reset</c> at the root of the port.</summary>
internal static class InspectionEndpoints
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Map(IEndpointRouteBuilder app, SimState state)
    {
        app.MapGet("/_sim/requests", (HttpContext http) =>
        {
            var entries = state.Log.Snapshot();
            return WriteAsync(http, new { count = entries.Count, requests = entries });
        });
        app.MapGet("/_sim/stats", (HttpContext http) => WriteAsync(http, state.Stats()));
        app.MapPost("/_sim/reset", (HttpContext http) =>
        {
            state.Reset();
            return WriteAsync(http, new { reset = true });
        });
    }

    private static async Task WriteAsync<T>(HttpContext http, T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }
}
