using System.Security.Cryptography;
using System.Text;
using Rules = BatchGen.Core.Manifests.OutputPaths;

namespace BatchGen.Core.Downloads;

/// <summary>
/// Output file names come from manifest templates, so they are untrusted: a sanitised path follows the manifest's
/// rules (<see cref="Rules"/>: relative, '/', no empty, "." or ".." segment, no control or direction character, no
/// Windows device name, within the file-system length limits). Just before writing, the resolved path must also stay
/// inside the output directory once symbolic links are followed. A paid result whose path cannot be used is saved
/// under <see cref="FallbackPath"/> instead of being lost.
/// </summary>
public static class OutputPaths
{
    /// <summary>Directory (inside the output directory) of videos saved under a fallback name.</summary>
    public const string FallbackDirectory = "renamed";

    private const int MaxLinkHops = 40;

    public static bool TrySanitize(string relativePath, out string sanitized, out string? error)
    {
        sanitized = string.Empty;
        error = Check(relativePath);
        if (error is not null)
        {
            return false;
        }

        var normalised = relativePath.Replace('\\', '/');
        error = CheckNormalised(normalised);
        if (error is null && Rules.Sanitize(normalised, out var problem) is null)
        {
            error = "is refused: " + problem;
        }

        if (error is not null)
        {
            return false;
        }

        sanitized = normalised;
        return true;
    }

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside <paramref name="outputDirectory"/>. Throws
    /// <see cref="ArgumentException"/> when the path is unsafe or would land outside the directory, symbolic links
    /// included (a link inside the directory that points elsewhere is refused).
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

        EnsureNoEscapingLink(root, full, relativePath);
        return full;
    }

    /// <summary>
    /// A safe, short, deterministic name for a result whose own path cannot be written: <c>renamed/</c>, the file
    /// name's stem reduced to ASCII letters, digits, '-' and '_' (at most 64), '~', 16 hex digits of the SHA-256 of the
    /// original path (unique per job, the same on every resume), and the original extension (default <c>.mp4</c>).
    /// </summary>
    public static string FallbackPath(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)))[..16];
        var name = relativePath[(relativePath.LastIndexOfAny(['/', '\\']) + 1)..];
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot is >= 2 and <= 9 && name[(dot + 1)..].All(char.IsAsciiLetterOrDigit) ? name[dot..] : ".mp4";
        var stem = new StringBuilder(64);
        foreach (var c in dot > 0 ? name[..dot] : name)
        {
            if (stem.Length == 64)
            {
                break;
            }

            stem.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return $"{FallbackDirectory}/{stem}~{hash}{extension}";
    }

    /// <summary>The path with every symbolic link (in any component) followed; parts that do not exist are kept as written.</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hop = 0; hop < MaxLinkHops; hop++)
        {
            var root = Path.GetPathRoot(full) ?? string.Empty;
            var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? next = null;
            for (var i = 0; i < parts.Length && next is null; i++)
            {
                var candidate = Path.Combine(current, parts[i]);
                var info = new FileInfo(candidate);
                if (info.LinkTarget is { } target)
                {
                    var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                    next = Path.GetFullPath(Path.Combine([resolved, .. parts[(i + 1)..]]));
                }
                else if (!info.Exists && !Directory.Exists(candidate))
                {
                    return full;
                }

                current = candidate;
            }

            if (next is null)
            {
                return full;
            }

            full = next;
        }

        throw new IOException($"{path}: too many levels of symbolic links");
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both full paths, links resolved).</summary>
    public static bool IsInside(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        return string.Equals(path, trimmed, StringComparison.Ordinal)
            || path.StartsWith(trimmed + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || (Path.GetPathRoot(trimmed) == trimmed && path.StartsWith(trimmed, StringComparison.Ordinal));
    }

    /// <summary>The path with control and direction characters shown as '?', for messages.</summary>
    internal static string Printable(string? path) => path is null ? string.Empty : Rules.Printable(path);

    /// <summary>Refuses a write whose directory, file or <c>.part</c> file leads out of the output directory through a link.</summary>
    private static void EnsureNoEscapingLink(string root, string full, string relativePath)
    {
        var realRoot = RealPath(root);
        // The directory is walked once: the file and its .part differ only in the last name, which is followed
        // separately when it is a link itself (what RealPath of each would give, with a third of the system calls).
        var realDirectory = RealPath(Path.GetDirectoryName(full)!);
        foreach (var candidate in new[] { full, full + ".part" })
        {
            var real = new FileInfo(candidate).LinkTarget is null ? Path.Combine(realDirectory, Path.GetFileName(candidate)) : RealPath(candidate);
            if (!IsInside(realRoot, real))
            {
                throw new ArgumentException($"output path '{Printable(relativePath)}' leads out of the output directory {root} through a symbolic link (to {real}); remove the link", nameof(relativePath));
            }
        }
    }

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
