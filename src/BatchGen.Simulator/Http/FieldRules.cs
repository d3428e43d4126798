using System.Globalization;
using System.Text.Json;

namespace BatchGen.Simulator;

/// <summary>One invalid field: its name (dotted for nested fields) and why.</summary>
internal sealed record FieldProblem(string Name, string Reason);

/// <summary>
/// Reads fields of a JSON object and collects every problem, the way a strict API validates a body. A JSON null counts as
/// absent. Unknown fields are ignored, as the real services do.
/// </summary>
internal sealed class FieldRules(JsonElement obj, string prefix = "")
{
    public List<FieldProblem> Problems { get; } = [];

    public bool IsObject => obj.ValueKind == JsonValueKind.Object;

    public void Add(string name, string reason) => Problems.Add(new(prefix + name, reason));

    public bool Has(string name) => Get(name) is not null;

    public string? String(string name, bool required)
    {
        var e = Get(name);
        if (e is null)
        {
            Missing(name, required);
            return null;
        }

        if (e.Value.ValueKind != JsonValueKind.String)
        {
            Add(name, "must be a string");
            return null;
        }

        var value = e.Value.GetString()!;
        if (required && value.Length == 0)
        {
            Add(name, "must not be empty");
            return null;
        }

        return value;
    }

    public string? Enum(string name, IReadOnlyCollection<string> allowed, bool required)
    {
        var value = String(name, required);
        if (value is not null && !allowed.Contains(value))
        {
            Add(name, $"must be one of {string.Join(", ", allowed)}, got '{value}'");
            return null;
        }

        return value;
    }

    /// <summary>An integer from a fixed set; <paramref name="allowString"/> also accepts it written as a string ("5").</summary>
    public int? IntEnum(string name, int[] allowed, bool required, bool allowString = false)
    {
        var e = Get(name);
        if (e is null)
        {
            Missing(name, required);
            return null;
        }

        int? value = e.Value.ValueKind switch
        {
            JsonValueKind.Number when e.Value.TryGetInt32(out var i) => i,
            JsonValueKind.String when allowString && int.TryParse(e.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
        if (value is null || !allowed.Contains(value.Value))
        {
            Add(name, $"must be one of {string.Join(", ", allowed)}, got {e.Value.GetRawText()}");
            return null;
        }

        return value;
    }

    public long? Integer(string name, bool required, long min = long.MinValue, long max = long.MaxValue)
    {
        var e = Get(name);
        if (e is null)
        {
            Missing(name, required);
            return null;
        }

        if (e.Value.ValueKind != JsonValueKind.Number || !e.Value.TryGetInt64(out var value))
        {
            Add(name, $"must be an integer, got {e.Value.GetRawText()}");
            return null;
        }

        if (value < min || value > max)
        {
            Add(name, $"must be between {min} and {max}, got {value}");
            return null;
        }

        return value;
    }

    public bool? Bool(string name, bool required)
    {
        var e = Get(name);
        if (e is null)
        {
            Missing(name, required);
            return null;
        }

        if (e.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add(name, $"must be a boolean, got {e.Value.GetRawText()}");
            return null;
        }

        return e.Value.GetBoolean();
    }

    /// <summary>An absolute http(s) URL.</summary>
    public string? Url(string name, bool required)
    {
        var value = String(name, required);
        if (value is not null && !IsHttpUrl(value))
        {
            Add(name, $"must be an absolute http or https URL, got '{Shorten(value)}'");
            return null;
        }

        return value;
    }

    public JsonElement? Element(string name, JsonValueKind kind, bool required)
    {
        var e = Get(name);
        if (e is null)
        {
            Missing(name, required);
            return null;
        }

        if (e.Value.ValueKind != kind)
        {
            Add(name, $"must be {(kind == JsonValueKind.Object ? "an object" : "an array")}");
            return null;
        }

        return e;
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "..." : value;

    private JsonElement? Get(string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e;
    }

    private void Missing(string name, bool required)
    {
        if (required)
        {
            Add(name, "is required");
        }
    }
}
