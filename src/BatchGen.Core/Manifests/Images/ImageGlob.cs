using System.IO.Enumeration;

namespace BatchGen.Core.Manifests.Images;

/// <summary>
/// Expands an <c>image:</c> glob relative to the manifest: <c>*</c> and <c>?</c> in any path segment (not <c>**</c>),
/// files only, sorted by their relative path (ordinal), at most <see cref="MaxFiles"/>.
/// </summary>
internal static class ImageGlob
{
    public const int MaxFiles = 100_000;

    public static bool IsGlob(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Matching files as (relative path with '/', full path), sorted; null with a reason when the pattern is not supported.</summary>
    public static List<(string Relative, string Full)>? Expand(string baseDirectory, string pattern, out string? problem)
    {
        problem = null;
        var segments = pattern.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s.Contains("**", StringComparison.Ordinal)))
        {
            problem = "uses **, which is not supported (use * within one folder, e.g. shots/*.png)";
            return null;
        }

        var rooted = Path.IsPathRooted(pattern);
        var start = rooted ? Path.GetPathRoot(pattern)! : baseDirectory;
        var found = new List<(string, string)>();
        Walk(start, rooted ? Path.GetPathRoot(pattern)!.Replace('\\', '/') : string.Empty, segments, 0, found);
        if (found.Count > MaxFiles)
        {
            problem = $"matches more than {MaxFiles} files";
            return null;
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return found;
    }

    private static void Walk(string directory, string relative, string[] segments, int index, List<(string, string)> found)
    {
        if (found.Count > MaxFiles || !Directory.Exists(directory))
        {
            return;
        }

        var segment = segments[index];
        var last = index == segments.Length - 1;
        if (!IsGlob(segment))
        {
            var path = Path.Combine(directory, segment);
            var rel = Join(relative, segment);
            if (last)
            {
                if (File.Exists(path))
                {
                    found.Add((rel, Path.GetFullPath(path)));
                }
            }
            else
            {
                Walk(path, rel, segments, index + 1, found);
            }

            return;
        }

        IEnumerable<string> entries;
        try
        {
            entries = last ? Directory.EnumerateFiles(directory) : Directory.EnumerateDirectories(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            // Hidden files are not matched by *, as in a shell.
            if (name.StartsWith('.') && !segment.StartsWith('.'))
            {
                continue;
            }

            if (FileSystemName.MatchesSimpleExpression(segment, name, ignoreCase: false))
            {
                if (last)
                {
                    found.Add((Join(relative, name), Path.GetFullPath(entry)));
                }
                else
                {
                    Walk(entry, Join(relative, name), segments, index + 1, found);
                }
            }

            if (found.Count > MaxFiles)
            {
                return;
            }
        }
    }

    private static string Join(string relative, string name) => relative.Length == 0 ? name : relative.EndsWith('/') ? relative + name : relative + "/" + name;
}
