using System.Globalization;
using System.Text.Json;

namespace BatchGen.Core.Providers.Http;

/// <summary>Tolerant readers over provider JSON: a missing, null or oddly typed field reads as null, never throws.</summary>
internal static class JsonReading
{
    /// <summary>Parses a body; null when it is empty or not JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        // Some servers prefix a UTF-8 byte order mark, which the parser rejects.
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Follows a path of property names through objects; null when any step is missing.</summary>
    public static JsonElement? Get(this JsonElement element, params ReadOnlySpan<string> path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>A string, number or boolean at the path, as invariant text; null otherwise.</summary>
    public static string? Text(this JsonElement element, params ReadOnlySpan<string> path) =>
        element.Get(path) is { } value ? ScalarText(value) : null;

    public static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A number at the path, or a string holding one.</summary>
    public static decimal? Number(this JsonElement element, params ReadOnlySpan<string> path)
    {
        if (element.Get(path) is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String
            && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number)
            ? number
            : null;
    }

    /// <summary>Absolute http(s) URL from text; null otherwise.</summary>
    public static Uri? AbsoluteUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;

    /// <summary>
    /// Collects video URLs from a value that may be a string, an array of strings or of objects with <c>url</c>,
    /// or an object with <c>url</c> / <c>video_url</c> / <c>video</c>.
    /// </summary>
    public static List<Uri> Urls(JsonElement? value)
    {
        var urls = new List<Uri>();
        if (value is { } element)
        {
            Collect(element, urls, depth: 0);
        }

        return urls;
    }

    private static void Collect(JsonElement element, List<Uri> urls, int depth)
    {
        if (depth > 3)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (AbsoluteUrl(element.GetString()) is { } uri)
                {
                    urls.Add(uri);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, urls, depth + 1);
                }

                break;
            case JsonValueKind.Object:
                foreach (var name in (ReadOnlySpan<string>)["url", "video_url", "video"])
                {
                    if (element.Get(name) is { } inner)
                    {
                        Collect(inner, urls, depth + 1);
                        return;
                    }
                }

                break;
        }
    }
}
