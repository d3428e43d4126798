namespace BatchGen.Cli;

/// <summary>Process exit codes. Documented in README "Exit codes"; never renumber.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done (run: every job succeeded).</summary>
    public const int Success = 0;

    /// <summary>The run finished, but some jobs failed or are blocked (see status / report).</summary>
    public const int JobsFailed = 1;

    /// <summary>Bad input: usage, manifest, providers file, ledger file that is not a BatchGen ledger.</summary>
    public const int InvalidInput = 2;

    /// <summary>The budget stopped submission; jobs remain pending. Resume with a higher cap.</summary>
    public const int BudgetReached = 3;

    /// <summary>A provider refused the account (bad key, no credits); its jobs remain pending.</summary>
    public const int ProviderAccountError = 4;

    /// <summary>The ledger or output directory could not be written.</summary>
    public const int StorageError = 5;

    /// <summary>Another run holds this batch (its ledger); the message names it (PID, host, start time).</summary>
    public const int RunLocked = 6;

    /// <summary>An unexpected internal error (a bug): one line on stderr.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl+C or SIGTERM; the ledger is consistent and the run can be resumed.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code of a ledger refusal: another run holds it (6), not a ledger (2), else storage (5).</summary>
    public static int For(BatchGen.Core.Ledger.LedgerException exception) => exception?.Failure switch
    {
        BatchGen.Core.Ledger.LedgerFailure.Locked => RunLocked,
        BatchGen.Core.Ledger.LedgerFailure.NotALedger => InvalidInput,
        _ => StorageError,
    };
}
