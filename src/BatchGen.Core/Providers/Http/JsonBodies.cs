using System.Text.Json;
using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Providers.Http;

/// <summary>Small helpers to build request bodies.</summary>
internal static class JsonBodies
{
    /// <summary>Sets a property only when the value is not null.</summary>
    public static JsonObject Optional(this JsonObject body, string name, JsonNode? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }

        return body;
    }

    /// <summary>
    /// Merges the manifest's <see cref="JobParameters.Extra"/> into <paramref name="target"/>; an extra key replaces
    /// a mapped field of the same name (the user asked for it explicitly).
    /// </summary>
    public static void MergeExtra(JsonObject target, IReadOnlyDictionary<string, JsonElement>? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (name, value) in extra)
        {
            target[name] = JsonSerializer.SerializeToNode(value);
        }
    }

    /// <summary>Style when it names a real style; "none" and null are omitted (the providers' default).</summary>
    public static string? RealStyle(string? style) =>
        string.IsNullOrEmpty(style) || style.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : style;

    /// <summary>The base URL with <paramref name="path"/> appended (keeps any path prefix of the base).</summary>
    public static Uri Combine(Uri baseUrl, string path)
    {
        var text = baseUrl.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/');
        return new Uri(text, UriKind.Absolute);
    }
}
