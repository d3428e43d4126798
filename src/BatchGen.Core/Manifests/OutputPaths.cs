namespace BatchGen.Core.Manifests;

/// <summary>Checks a rendered output path: relative, forward slashes, no "..", no control or reserved characters.</summary>
internal static class OutputPaths
{
    public const string DefaultFilename = "{provider}/{job_id}.mp4";

    /// <summary>The clean relative path, or null and why it was refused.</summary>
    public static string? Sanitize(string rendered, out string? error)
    {
        error = null;
        if (IsClean(rendered))
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
            error = $"'{rendered}' is an absolute path; output.filename must be relative to output.dir";
            return null;
        }

        foreach (var c in path)
        {
            if (char.IsControl(c) || c is '<' or '>' or '"' or '|' or '?' or '*' or ':')
            {
                error = $"'{Printable(rendered)}' contains a character not allowed in file names ({(char.IsControl(c) ? "a control character" : c.ToString())})";
                return null;
            }
        }

        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
            if (segment.IsEmpty || segment[^1] is ' ' or '.')
            {
                error = $"'{Printable(rendered)}' has an empty, '.' or '..' segment (or one ending in a dot or space); paths must stay inside output.dir";
                return null;
            }
        }

        return path;
    }

    /// <summary>True exactly when <see cref="Sanitize"/> accepts <paramref name="rendered"/>; allocates nothing.</summary>
    public static bool IsClean(ReadOnlySpan<char> rendered)
    {
        if (rendered.IsEmpty || rendered[0] is '/' or '\\' || (rendered.Length >= 2 && rendered[1] == ':'))
        {
            return false;
        }

        var start = 0;
        for (var i = 0; i < rendered.Length; i++)
        {
            var c = rendered[i];
            if (c is '/' or '\\')
            {
                if (!IsCleanSegment(rendered[start..i]))
                {
                    return false;
                }

                start = i + 1;
            }
            else if (char.IsControl(c) || c is '<' or '>' or '"' or '|' or '?' or '*' or ':')
            {
                return false;
            }
        }

        return IsCleanSegment(rendered[start..]);
    }

    private static bool IsCleanSegment(ReadOnlySpan<char> segment) => !segment.IsEmpty && segment[^1] is not (' ' or '.');

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
