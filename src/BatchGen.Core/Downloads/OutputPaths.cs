namespace BatchGen.Core.Downloads;

/// <summary>
/// Output file names come from manifest templates, so they are untrusted: a sanitised path is relative, uses '/',
/// has no empty, "." or ".." segment, no drive letter and no control character. Unicode is kept as written.
/// </summary>
public static class OutputPaths
{
    public static bool TrySanitize(string relativePath, out string sanitized, out string? error)
    {
        sanitized = string.Empty;
        error = Check(relativePath);
        if (error is not null)
        {
            return false;
        }

        sanitized = relativePath.Replace('\\', '/');
        error = CheckNormalised(sanitized);
        if (error is not null)
        {
            sanitized = string.Empty;
            return false;
        }

        return true;
    }

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside <paramref name="outputDirectory"/>. Throws
    /// <see cref="ArgumentException"/> when the path is unsafe or would land outside the directory.
    /// </summary>
    public static string Resolve(string outputDirectory, string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        if (!TrySanitize(relativePath, out var sanitized, out var error))
        {
            throw new ArgumentException($"output path '{Printable(relativePath)}': {error}", nameof(relativePath));
        }

        var root = Path.GetFullPath(outputDirectory);
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, sanitized.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"output path '{Printable(relativePath)}' leaves the output directory {root}", nameof(relativePath));
        }

        return full;
    }

    /// <summary>The path with control characters shown as '?', for messages.</summary>
    internal static string Printable(string? path) =>
        path is null ? string.Empty : new string(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static string? Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "is empty (set an output template that names a file)";
        }

        if (path.Any(char.IsControl))
        {
            return "contains control characters (remove them from the output template)";
        }

        return null;
    }

    private static string? CheckNormalised(string path)
    {
        if (path.StartsWith('/'))
        {
            return "is absolute (output paths are relative to the output directory)";
        }

        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return "starts with a drive letter (output paths are relative to the output directory)";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "has an empty segment ('//' or a trailing '/'; name a file)";
            }

            if (segment is "." or "..")
            {
                return $"has a '{segment}' segment (output paths may not climb or point at directories)";
            }
        }

        return null;
    }
}
