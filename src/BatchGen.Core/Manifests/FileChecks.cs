namespace BatchGen.Core.Manifests;

/// <summary>Turns the ways a file cannot be read into one-line diagnostics.</summary>
internal static class FileChecks
{
    public static bool CheckReadable(string fullPath, SourceMark mark, string what, DiagnosticBag bag, out string text)
    {
        text = string.Empty;
        if (Directory.Exists(fullPath))
        {
            bag.Error(mark, what, "is a directory; give the path of a file");
            return false;
        }

        if (!File.Exists(fullPath))
        {
            bag.Error(mark, what, "file not found");
            return false;
        }

        try
        {
            text = File.ReadAllText(fullPath);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            bag.Error(mark, what, $"cannot read the file: {ex.Message}");
            return false;
        }
    }
}
