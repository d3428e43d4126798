namespace BatchGen.Core.Ledger;

/// <summary>
/// The ledger cannot be used as asked. The message is one line: <c>&lt;path&gt;: &lt;what&gt; (&lt;how to fix&gt;)</c>.
/// </summary>
public sealed class LedgerException : Exception
{
    public LedgerException()
    {
    }

    public LedgerException(string message)
        : base(message)
    {
    }

    public LedgerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The ledger file the error is about, when known.</summary>
    public string? LedgerPath { get; init; }

    internal static LedgerException Create(string path, string what, string fix, Exception? inner = null)
    {
        var message = $"{path}: {what} ({fix})";
        return inner is null
            ? new LedgerException(message) { LedgerPath = path }
            : new LedgerException(message, inner) { LedgerPath = path };
    }
}
