namespace BatchGen.Core.Providers;

/// <summary>An API key read from its environment variable: the key, or why the provider cannot use it; and a warning when it was cleaned.</summary>
public sealed record ApiKeyReading(string? Key, string? Problem, string? Warning);

/// <summary>
/// Reads and checks API keys at start-up, before any request is built. A key is visible ASCII only (0x21-0x7E):
/// anything else (a line break that would inject a header, a trailing CR LF, an accent, a space inside) cannot be
/// sent in an HTTP header. Surrounding whitespace is trimmed with a warning. Messages name the variable, never the value.
/// </summary>
public static class ApiKeys
{
    /// <summary>Checks the value of <paramref name="variable"/> (<paramref name="raw"/>, null when unset).</summary>
    public static ApiKeyReading Check(string variable, string? raw)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (string.IsNullOrEmpty(raw))
        {
            return new ApiKeyReading(null, $"environment variable {variable} is not set (no API key)", null);
        }

        var key = raw.Trim();
        var warning = key.Length != raw.Length
            ? $"{variable}: whitespace or line breaks around the API key were removed; check how the variable is set"
            : null;
        if (key.Length == 0)
        {
            return new ApiKeyReading(null, $"environment variable {variable} holds only whitespace (no API key)", warning);
        }

        foreach (var c in key)
        {
            if (!IsKeyChar(c))
            {
                return new ApiKeyReading(null, $"environment variable {variable} holds a character that cannot be sent in an HTTP header ({Kind(c)}); an API key is visible ASCII only. Nothing was sent; fix the variable", warning);
            }
        }

        return new ApiKeyReading(key, null, warning);
    }

    /// <summary>Reads <paramref name="variable"/> from the environment and checks it.</summary>
    public static ApiKeyReading FromEnvironment(string variable) => Check(variable, Environment.GetEnvironmentVariable(variable));

    /// <summary>Visible ASCII: what a header value built from a key may hold.</summary>
    public static bool IsKeyChar(char c) => c is >= '\x21' and <= '\x7e';

    private static string Kind(char c) => c switch
    {
        '\r' or '\n' => "a line break",
        ' ' or '\t' => "a space or tab inside the key",
        < ' ' or '\x7f' => "a control character",
        _ => "a non-ASCII character",
    };
}
