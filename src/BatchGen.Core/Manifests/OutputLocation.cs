using System.Globalization;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Checks where a batch writes: the batch <c>name</c> is one safe path segment, every segment of the rendered
/// <c>output.dir</c> is a valid name, the longest job path fits the file system's limits under the output directory,
/// and no symbolic link inside an existing output directory points out of it. All before anything is paid.
/// </summary>
internal static class OutputLocation
{
    /// <summary>Entries of an existing output directory looked at for escaping links (a bound on the work of a check).</summary>
    public const int MaxScannedEntries = 200_000;

    /// <summary>The batch name becomes a directory (<c>out/{name}</c>) and may appear in file names: one safe segment.</summary>
    /// <returns>False when the name was refused (the caller then skips checks of paths rendered from it).</returns>
    public static bool CheckName(string name, SourceMark mark, DiagnosticBag bag)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            bag.Error(mark, "name", $"'{OutputPaths.Printable(name)}' contains a path separator; the name must be a single directory name (use output.dir to choose where the batch goes)");
            return false;
        }

        if (OutputPaths.SegmentProblem(name, isFileName: false) is { } problem)
        {
            bag.Error(mark, "name", $"'{OutputPaths.Printable(name)}' cannot be a directory name: {problem}");
            return false;
        }

        return true;
    }

    /// <summary>Every segment of a rendered output.dir (which may be absolute and may climb with '..').</summary>
    public static bool CheckDirectory(string rendered, SourceMark mark, DiagnosticBag bag)
    {
        var segments = rendered.Replace('\\', '/').Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var driveLetter = i == 0 && segment.Length == 2 && segment[1] == ':' && char.IsAsciiLetter(segment[0]);
            if (segment is "" or "." or ".." || driveLetter)
            {
                continue;
            }

            if (OutputPaths.SegmentProblem(segment, isFileName: false) is { } problem)
            {
                bag.Error(mark, "output.dir", $"'{OutputPaths.Printable(rendered)}': {problem}");
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Why jobs cannot be written under <paramref name="outputDirectory"/> (a full path), or null: the longest
    /// rendered job path must fit in <see cref="OutputPaths.MaxPathBytes"/>, and no link inside an existing directory
    /// may lead out of it.
    /// </summary>
    public static string? Problem(string outputDirectory, int maxRelativePathBytes)
    {
        var directoryBytes = OutputPaths.Utf8Length(outputDirectory);
        var total = directoryBytes + 1 + maxRelativePathBytes;
        if (total > OutputPaths.MaxPathBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the longest video path would be {total} bytes (UTF-8) under {outputDirectory}, more than the {OutputPaths.MaxPathBytes} a file system allows; shorten output.filename or choose a shorter output directory");
        }

        foreach (var segment in outputDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.Any(OutputPaths.IsForbidden) || OutputPaths.Utf8Length(segment) > OutputPaths.MaxSegmentBytes)
            {
                return $"the output directory {OutputPaths.Printable(outputDirectory)} has a segment that is too long or holds a control or direction character";
            }
        }

        return EscapingLink(outputDirectory);
    }

    /// <summary>The first symbolic link inside an existing <paramref name="outputDirectory"/> whose target lies outside it.</summary>
    public static string? EscapingLink(string outputDirectory)
    {
        if (!Directory.Exists(outputDirectory))
        {
            return null;
        }

        try
        {
            var root = Downloads.OutputPaths.RealPath(outputDirectory);
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, MaxRecursionDepth = 32 };
            var seen = 0;
            foreach (var entry in new DirectoryInfo(outputDirectory).EnumerateFileSystemInfos("*", options))
            {
                if (++seen > MaxScannedEntries)
                {
                    return null;
                }

                if ((entry.Attributes & FileAttributes.ReparsePoint) == 0 || entry.LinkTarget is null)
                {
                    continue;
                }

                var target = Downloads.OutputPaths.RealPath(entry.FullName);
                if (!Downloads.OutputPaths.IsInside(root, target))
                {
                    var relative = Path.GetRelativePath(outputDirectory, entry.FullName);
                    return $"{relative} in the output directory is a symbolic link to {target}, outside {outputDirectory}: videos and reports written through it would land elsewhere; remove the link or choose another output directory";
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A directory that cannot be listed is reported when the run tries to write in it.
            return null;
        }

        return null;
    }
}
