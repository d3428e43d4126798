using System.Text;
using System.Text.Json;

namespace BatchGen.Core.Providers.Http;

/// <summary>
/// Extracts the human message from every documented error body shape: <c>{message}</c> (Magnific, AI/ML API,
/// Pixwith), problem+json with <c>invalid_params</c>, flat or wrapped in <c>problem</c> (Magnific),
/// <c>{error:"..."}</c> (Segmind, GMI Cloud), <c>{error:{message}}</c> (AI/ML API clients), AI/ML API's
/// <c>{message,path,requestId,statusCode,timestamp}</c> with optional <c>errors[{path,message}]</c>, <c>{detail}</c>/<c>{title}</c>.
/// </summary>
internal static class ErrorBodies
{
    /// <summary>The message in a body, without the raw payload; null when the body has none.</summary>
    public static string? Message(ReadOnlyMemory<byte> body)
    {
        using var document = JsonReading.TryParse(body);
        return document is null ? null : Message(document.RootElement);
    }

    public static string? Message(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.String)
        {
            return root.GetString();
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.Get("problem") is { ValueKind: JsonValueKind.Object } problem)
        {
            return Message(problem);
        }

        var message = root.Text("message")
            ?? root.Text("error", "message")
            ?? root.Text("error")
            ?? root.Text("detail")
            ?? root.Text("title")
            ?? root.Text("msg");
        var invalid = InvalidParams(root);
        return (message, invalid) switch
        {
            (null, null) => null,
            (null, _) => invalid,
            (_, null) => message,
            _ => $"{message} ({invalid})",
        };
    }

    /// <summary>Field problems: Magnific's <c>invalid_params[{name,reason}]</c> or a generic <c>errors[{path,message}]</c>.</summary>
    private static string? InvalidParams(JsonElement root)
    {
        if ((root.Get("invalid_params") ?? root.Get("errors")) is not { ValueKind: JsonValueKind.Array } items)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var item in items.EnumerateArray())
        {
            var name = item.Text("name") ?? item.Text("path") ?? item.Text("field");
            var reason = item.Text("reason") ?? item.Text("message");
            if (name is null && reason is null)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(name ?? "?").Append(": ").Append(reason ?? "invalid");
        }

        return text.Length == 0 ? null : text.ToString();
    }
}
