using System.Globalization;
using System.Text;
using BatchGen.Core.Manifests.Limits;

namespace BatchGen.Core.Manifests;

/// <summary>
/// A text with <c>{var}</c> placeholders; <c>{{</c> and <c>}}</c> stand for literal braces. Compiled once at load,
/// bound to combination slots once the manifest's keys are known, rendered per job without re-parsing. At most
/// <see cref="ManifestLimits.MaxPlaceholders"/> placeholders; a rendering stops once it passes
/// <see cref="ManifestLimits.MaxRenderedChars"/> (the render methods then return no text and no missing variable).
/// </summary>
internal sealed class Template
{
    private readonly string[] _literals;
    private readonly string[] _variables;
    private int[] _slots = [];

    private Template(string source, string[] literals, string[] variables)
    {
        Source = source;
        _literals = literals;
        _variables = variables;
    }

    public string Source { get; }

    public IReadOnlyList<string> Variables => _variables;

    public bool IsConstant => _variables.Length == 0;

    /// <summary>Parses <paramref name="text"/>; on failure returns null and an error message.</summary>
    public static Template? TryParse(string text, out string? error)
    {
        error = null;
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny('{', '}') < 0)
        {
            // No placeholder and no escaped brace: the text itself is the one literal (no copy: a 100,000-row CSV
            // keeps one template per prompt and image cell).
            return new Template(text, [text], []);
        }

        var literals = new List<string>();
        var variables = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                current.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                current.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i + 1);
                if (end < 0)
                {
                    error = $"unclosed '{{' at position {i + 1}; write '{{{{' for a literal brace";
                    return null;
                }

                var name = text.Substring(i + 1, end - i - 1).Trim();
                if (name.Length == 0 || name.Contains('{', StringComparison.Ordinal))
                {
                    error = $"empty or malformed placeholder at position {i + 1}; use {{name}}, or '{{{{' for a literal brace";
                    return null;
                }

                if (variables.Count == ManifestLimits.MaxPlaceholders)
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"more than {ManifestLimits.MaxPlaceholders} {{placeholders}}; shorten the template");
                    return null;
                }

                literals.Add(current.ToString());
                current.Clear();
                variables.Add(name);
                i = end;
            }
            else if (c == '}')
            {
                error = $"unmatched '}}' at position {i + 1}; write '}}}}' for a literal brace";
                return null;
            }
            else
            {
                current.Append(c);
            }
        }

        literals.Add(current.ToString());
        return new Template(text, [.. literals], [.. variables]);
    }

    /// <summary>Resolves each variable to a slot (-1 = not a key; the caller reports it or handles special names).</summary>
    public void Bind(Func<string, int> slotOf)
    {
        _slots = _variables.Length == 0 ? [] : new int[_variables.Length];
        for (var i = 0; i < _variables.Length; i++)
        {
            _slots[i] = slotOf(_variables[i]);
        }
    }

    /// <summary>
    /// Renders with the values of <paramref name="lookup"/> (slot, variable name) → text; returns null and the
    /// missing variable when a value is absent, null and no variable when the text passes the length limit.
    /// </summary>
    public string? Render(StringBuilder buffer, Func<int, string, string?> lookup, out string? missing)
    {
        missing = null;
        if (_variables.Length == 0)
        {
            return _literals[0];
        }

        buffer.Clear();
        buffer.Append(_literals[0]);
        for (var i = 0; i < _variables.Length; i++)
        {
            var value = lookup(_slots.Length > i ? _slots[i] : -1, _variables[i]);
            if (value is null)
            {
                missing = _variables[i];
                return null;
            }

            buffer.Append(value).Append(_literals[i + 1]);
            if (buffer.Length > ManifestLimits.MaxRenderedChars)
            {
                return null;
            }
        }

        return buffer.ToString();
    }

    /// <summary>Renders into <paramref name="buffer"/> (no string made); false and the missing variable when a value is absent.</summary>
    public bool RenderTo(StringBuilder buffer, Func<int, string, string?> lookup, out string? missing)
    {
        missing = null;
        buffer.Clear();
        buffer.Append(_literals[0]);
        for (var i = 0; i < _variables.Length; i++)
        {
            var value = lookup(_slots.Length > i ? _slots[i] : -1, _variables[i]);
            if (value is null)
            {
                missing = _variables[i];
                return false;
            }

            buffer.Append(value).Append(_literals[i + 1]);
            if (buffer.Length > ManifestLimits.MaxRenderedChars)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Like <see cref="Render(StringBuilder, Func{int, string, string?}, out string?)"/>, but returns the previous text
    /// (no new string) when every variable has the very same value instance as in the previous call with
    /// <paramref name="cache"/>: consecutive combinations often differ only in keys this template does not use.
    /// </summary>
    public string? Render(StringBuilder buffer, Func<int, string, string?> lookup, RenderCache cache, out string? missing)
    {
        missing = null;
        if (_variables.Length == 0)
        {
            return _literals[0];
        }

        var same = ReferenceEquals(cache.Template, this) && cache.Result is not null;
        if (!ReferenceEquals(cache.Template, this))
        {
            cache.Template = this;
            cache.Values = new string?[_variables.Length];
        }

        var values = cache.Values;
        for (var i = 0; i < _variables.Length; i++)
        {
            var value = lookup(_slots.Length > i ? _slots[i] : -1, _variables[i]);
            if (value is null)
            {
                missing = _variables[i];
                cache.Result = null;
                return null;
            }

            if (!ReferenceEquals(value, values[i]))
            {
                values[i] = value;
                same = false;
            }
        }

        if (same)
        {
            return cache.Result;
        }

        buffer.Clear();
        buffer.Append(_literals[0]);
        for (var i = 0; i < values.Length; i++)
        {
            buffer.Append(values[i]).Append(_literals[i + 1]);
            if (buffer.Length > ManifestLimits.MaxRenderedChars)
            {
                cache.Template = null;
                cache.Result = null;
                return null;
            }
        }

        cache.Result = buffer.ToString();
        return cache.Result;
    }
}

/// <summary>The last rendering of a template (for <see cref="Template.Render(StringBuilder, Func{int, string, string?}, RenderCache, out string?)"/>). One per caller and field; not thread-safe.</summary>
internal sealed class RenderCache
{
    public Template? Template { get; set; }

    public string?[] Values { get; set; } = [];

    public string? Result { get; set; }
}
