using System.Buffers;
using System.Text;

namespace BatchGen.Core.Reports;

/// <summary>HTML escaping for text and attribute values (both quoted with ").</summary>
internal static class HtmlText
{
    private static readonly SearchValues<char> Escaped = SearchValues.Create("&<>\"'\0");

    /// <summary>Escapes &amp; &lt; &gt; " and ' so the text is shown as is, in element content or in an attribute value.</summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Most values (ids, paths, axis values) need no escaping: returned as they are, without a copy.
        var first = text.AsSpan().IndexOfAny(Escaped);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                case '\0': builder.Append('\uFFFD'); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A relative file path as a URL path: each segment percent-encoded, '/' separators.</summary>
    public static string RelativeUrl(string relativePath)
    {
        var segments = relativePath.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', segments.Select(s => s == ".." ? s : Uri.EscapeDataString(s)));
    }
}
