using System.Text;

namespace BatchGen.Core.Reports;

/// <summary>HTML escaping for text and attribute values (both quoted with ").</summary>
internal static class HtmlText
{
    /// <summary>Escapes &amp; &lt; &gt; " and ' so the text is shown as is, in element content or in an attribute value.</summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
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
