namespace BatchGen.Core.Ledger;

/// <summary>What kind of refusal a <see cref="LedgerException"/> is (the CLI maps each to its exit code).</summary>
public enum LedgerFailure
{
    /// <summary>The ledger or its directory cannot be read or written as needed (disk, permissions, damage).</summary>
    Storage,

    /// <summary>Another run holds this batch's ledger.</summary>
    Locked,

    /// <summary>The file is not a BatchGen ledger (another database, an empty file, random bytes).</summary>
    NotALedger,
}

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

    /// <summary>The kind of refusal.</summary>
    public LedgerFailure Failure { get; init; }

    internal static LedgerException Create(string path, string what, string fix, Exception? inner = null, LedgerFailure failure = LedgerFailure.Storage)
    {
        var message = $"{path}: {what} ({fix})";
        return inner is null
            ? new LedgerException(message) { LedgerPath = path, Failure = failure }
            : new LedgerException(message, inner) { LedgerPath = path, Failure = failure };
    }
}
