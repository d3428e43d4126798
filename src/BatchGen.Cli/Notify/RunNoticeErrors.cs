using System.Collections;
using BatchGen.Core.Ledger;

namespace BatchGen.Cli.Notify;

/// <summary>The exit code and line of a run that ended in an exception (as Program.cs maps them), and secrets to mask.</summary>
internal static class RunNoticeErrors
{
    public static (int ExitCode, string Message) Of(Exception ex) => ex switch
    {
        OperationCanceledException => (ExitCodes.Cancelled, "stopped"),
        LedgerException => (ExitCodes.StorageError, ex.Message),
        IOException or UnauthorizedAccessException => (ExitCodes.StorageError, ex.Message.ReplaceLineEndings(" ")),
        _ => (ExitCodes.InternalError, $"internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}"),
    };

    /// <summary>Values of environment variables that look like credentials (*_KEY, *TOKEN*, *SECRET*, *PASSWORD*).</summary>
    public static IEnumerable<string> Secrets()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = entry.Key.ToString() ?? string.Empty;
            if ((name.EndsWith("_KEY", StringComparison.OrdinalIgnoreCase) || name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase)
                || name.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || name.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase))
                && entry.Value?.ToString() is { Length: >= 4 } value)
            {
                yield return value;
            }
        }
    }
}
