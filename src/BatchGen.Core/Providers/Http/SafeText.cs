using System.Text;

namespace BatchGen.Core.Providers.Http;

/// <summary>Turns provider-supplied text into one short line with the API key removed.</summary>
internal static class SafeText
{
    public const int MaxLength = 240;

    /// <summary>Collapses whitespace and control characters, redacts <paramref name="secret"/>, truncates.</summary>
    public static string OneLine(string? text, string? secret)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        if (!string.IsNullOrEmpty(secret))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (builder.Length > MaxLength)
            {
                break;
            }
        }

        if (builder.Length > MaxLength)
        {
            builder.Length = MaxLength - 3;
            builder.Append("...");
        }

        return builder.ToString();
    }
}
