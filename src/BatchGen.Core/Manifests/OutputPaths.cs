using System.Globalization;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Checks a rendered output path: relative, forward slashes, no empty, "." or ".." segment (nor one ending in a dot or
/// space), none of <c>: * ? " &lt; &gt; |</c>, no control or bidirectional-override character, no Windows reserved
/// device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension), at most
/// <see cref="MaxSegmentBytes"/> bytes of UTF-8 per segment (the file name <see cref="MaxFileNameBytes"/>, leaving
/// room for the <c>.part</c> and <c>.unverified</c> names beside it) and <see cref="MaxPathBytes"/> for the whole
/// path. <see cref="IsClean"/> is the allocation-free check used for every job of a grid; <see cref="Sanitize"/> says why.
/// </summary>
internal static class OutputPaths
{
    public const string DefaultFilename = "{provider}/{job_id}.mp4";

    /// <summary>Longest path segment, in UTF-8 bytes (NAME_MAX on Linux and macOS).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Longest file name: <see cref="MaxSegmentBytes"/> less the longest suffix the downloader adds (<c>.unverified.mp4</c>).</summary>
    public const int MaxFileNameBytes = MaxSegmentBytes - 16;

    /// <summary>Longest full path, output directory included, in UTF-8 bytes (PATH_MAX on Linux), with room for the same suffix.</summary>
    public const int MaxPathBytes = 4096 - 16;

    /// <summary>The clean relative path, or null and why it was refused.</summary>
    public static string? Sanitize(string rendered, out string? error)
    {
        error = null;
        if (IsClean(rendered, out _))
        {
            return rendered.Contains('\\', StringComparison.Ordinal) ? rendered.Replace('\\', '/') : rendered;
        }

        var path = rendered.Contains('\\', StringComparison.Ordinal) ? rendered.Replace('\\', '/') : rendered;
        if (path.Length == 0)
        {
            error = "renders to an empty path";
            return null;
        }

        if (path.StartsWith('/') || (path.Length >= 2 && path[1] == ':'))
        {
            error = $"'{Printable(rendered)}' is an absolute path; output.filename must be relative to output.dir";
            return null;
        }

        foreach (var c in path)
        {
            if (IsForbidden(c) || c == ':')
            {
                error = $"'{Printable(rendered)}' contains a character not allowed in file names ({Describe(c)})";
                return null;
            }
        }

        if (HasLoneSurrogate(path))
        {
            error = $"'{Printable(rendered)}' contains a broken Unicode character (a lone UTF-16 surrogate)";
            return null;
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (SegmentProblem(segments[i], isFileName: i == segments.Length - 1) is { } problem)
            {
                error = $"'{Printable(rendered)}': {problem}";
                return null;
            }
        }

        error = $"'{Printable(rendered)}' is longer than {MaxPathBytes} bytes (UTF-8)";
        return null;
    }

    /// <summary>Why a single path segment (a batch name, a directory or a file name) is refused, or null when it is fine.</summary>
    public static string? SegmentProblem(string segment, bool isFileName)
    {
        if (segment.Length == 0 || segment is "." or "..")
        {
            return $"has an empty, '.' or '..' segment; paths must stay inside the output directory";
        }

        foreach (var c in segment)
        {
            if (IsForbidden(c) || c is ':' or '/' or '\\')
            {
                return $"segment '{Printable(segment)}' contains a character not allowed in file names ({Describe(c)})";
            }
        }

        if (HasLoneSurrogate(segment))
        {
            return $"segment '{Printable(segment)}' contains a broken Unicode character (a lone UTF-16 surrogate)";
        }

        if (segment[^1] is ' ' or '.')
        {
            return $"segment '{Printable(segment)}' ends in a dot or a space (Windows drops them)";
        }

        if (IsReservedName(segment))
        {
            return $"segment '{segment}' is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension)";
        }

        var limit = isFileName ? MaxFileNameBytes : MaxSegmentBytes;
        var bytes = Utf8Length(segment);
        return bytes > limit
            ? string.Create(CultureInfo.InvariantCulture, $"segment '{Shorten(segment)}' is {bytes} bytes long (UTF-8), more than the {limit} a file system allows")
            : null;
    }

    /// <summary>
    /// True exactly when <see cref="Sanitize"/> accepts <paramref name="rendered"/>; allocates nothing.
    /// <paramref name="utf8Bytes"/> is the path's length in UTF-8 (when clean).
    /// </summary>
    public static bool IsClean(ReadOnlySpan<char> rendered, out int utf8Bytes)
    {
        utf8Bytes = 0;
        if (rendered.IsEmpty || rendered[0] is '/' or '\\' || (rendered.Length >= 2 && rendered[1] == ':'))
        {
            return false;
        }

        var start = 0;
        var segmentExtra = 0;
        var extra = 0;
        for (var i = 0; i < rendered.Length; i++)
        {
            var c = rendered[i];
            if (c is '/' or '\\')
            {
                if (!IsCleanSegment(rendered[start..i], segmentExtra, MaxSegmentBytes))
                {
                    return false;
                }

                start = i + 1;
                segmentExtra = 0;
            }
            else if (c < 0x80)
            {
                if (c < 0x20 || c is '<' or '>' or '"' or '|' or '?' or '*' or ':' or '\u007f')
                {
                    return false;
                }
            }
            else
            {
                if (IsForbidden(c))
                {
                    return false;
                }

                // UTF-8 length: 2 bytes below U+0800, 4 for a surrogate pair (2 chars), 3 otherwise.
                var more = 2;
                if (c < 0x800)
                {
                    more = 1;
                }
                else if (char.IsSurrogate(c))
                {
                    if (!char.IsHighSurrogate(c) || i + 1 >= rendered.Length || !char.IsLowSurrogate(rendered[i + 1]))
                    {
                        return false;
                    }

                    i++;
                }

                segmentExtra += more;
                extra += more;
            }
        }

        utf8Bytes = rendered.Length + extra;
        return IsCleanSegment(rendered[start..], segmentExtra, MaxFileNameBytes) && utf8Bytes <= MaxPathBytes;
    }

    /// <summary>A control character (C0, DEL, C1) or a bidirectional formatting character that can disguise a name.</summary>
    public static bool IsForbidden(char c) =>
        char.IsControl(c) || c is '<' or '>' or '"' or '|' or '?' or '*'
        || (c >= '\u061c' && (c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069')));

    /// <summary>CON, PRN, AUX, NUL, COM0-9, LPT0-9 (and the superscript digits Windows also reserves), any case, with or without an extension.</summary>
    public static bool IsReservedName(ReadOnlySpan<char> segment)
    {
        var dot = segment.IndexOf('.');
        var stem = (dot < 0 ? segment : segment[..dot]).TrimEnd(' ');
        if (stem.Length is not (3 or 4))
        {
            return false;
        }

        var first = (char)(stem[0] | 0x20);
        if (first is not ('c' or 'p' or 'a' or 'n' or 'l'))
        {
            return false;
        }

        var three = stem[..3];
        if (stem.Length == 3)
        {
            return three.Equals("CON", StringComparison.OrdinalIgnoreCase) || three.Equals("PRN", StringComparison.OrdinalIgnoreCase)
                || three.Equals("AUX", StringComparison.OrdinalIgnoreCase) || three.Equals("NUL", StringComparison.OrdinalIgnoreCase);
        }

        return (three.Equals("COM", StringComparison.OrdinalIgnoreCase) || three.Equals("LPT", StringComparison.OrdinalIgnoreCase))
            && (char.IsAsciiDigit(stem[3]) || stem[3] is '\u00b9' or '\u00b2' or '\u00b3');
    }

    /// <summary>True when <paramref name="text"/> holds a surrogate that is not half of a pair.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The UTF-8 length of <paramref name="text"/> (a lone surrogate counts as the 3 bytes of U+FFFD it becomes).</summary>
    public static int Utf8Length(ReadOnlySpan<char> text) => System.Text.Encoding.UTF8.GetByteCount(text);

    private static bool IsCleanSegment(ReadOnlySpan<char> segment, int extraBytes, int limit) =>
        !segment.IsEmpty && segment[^1] is not (' ' or '.') && segment.Length + extraBytes <= limit && !IsReservedName(segment);

    private static string Describe(char c) =>
        char.IsControl(c) ? "a control character"
        : c is '<' or '>' or '"' or '|' or '?' or '*' or ':' or '/' or '\\' ? c.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"the invisible direction mark U+{(int)c:X4}");

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");

    /// <summary>The text with control and direction characters shown as '?', for messages.</summary>
    public static string Printable(string text) => new(text.Select(c => IsForbidden(c) && c is not ('<' or '>' or '"' or '|' or '?' or '*') ? '?' : c).ToArray());
}
