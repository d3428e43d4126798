namespace BatchGen.Cli.Run;

/// <summary>Small helpers that keep user-facing lines free of repetition.</summary>
internal static class Messages
{
    /// <summary>The reason without a leading "provider: " (it is said once, by the caller).</summary>
    public static string WithoutPrefix(string reason, string provider)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var prefix = provider + ": ";
        return reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason;
    }
}
