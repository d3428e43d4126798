using System.Runtime.CompilerServices;

namespace BatchGen.Tests.Reports;

/// <summary>
/// Compares text with a checked-in file under Approved/ (in the calling test's folder). On a difference it writes NAME.received.txt next to it
/// (compare, then rename to approve) and fails. Set BATCHGEN_APPROVE=1 to overwrite the approved files.
/// </summary>
internal static class Approvals
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        // The approved files (Approved/ beside the calling test's file) are copied next to the test assembly; the source
        // folder is used to write back when it exists.
        var folder = Path.GetFileName(Path.GetDirectoryName(callerFile)) ?? "Reports";
        var copied = Path.Combine(AppContext.BaseDirectory, folder, "Approved", name + ".txt");
        var sourceDirectory = Path.Combine(Path.GetDirectoryName(callerFile) ?? string.Empty, "Approved");
        var directory = Directory.Exists(sourceDirectory) ? sourceDirectory : Path.GetDirectoryName(copied)!;
        var approvedPath = Path.Combine(directory, name + ".txt");
        var receivedPath = Path.Combine(directory, name + ".received.txt");
        if (Environment.GetEnvironmentVariable("BATCHGEN_APPROVE") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(approvedPath, actual);
            return;
        }

        var approved = File.Exists(copied) ? File.ReadAllText(copied).ReplaceLineEndings("\n") : null;
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail($"{name} differs from {approvedPath}; see {receivedPath} (approve by renaming it, or run with BATCHGEN_APPROVE=1).");
    }
}
