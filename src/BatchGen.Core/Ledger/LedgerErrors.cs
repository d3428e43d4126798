using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>Turns SQLite error codes into one-line ledger errors that say how to fix them.</summary>
internal static class LedgerErrors
{
    public static LedgerException From(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => LedgerException.Create(path, "is not a ledger (not a SQLite database)", "pass a ledger written by batchgen, or choose another --out directory", ex, LedgerFailure.NotALedger),
        11 => LedgerException.Create(path, "ledger is corrupt", "restore it from a backup or move it away to start a new ledger", ex),
        14 => LedgerException.Create(path, "cannot open the ledger file", "check that the directory exists and is writable", ex),
        8 => LedgerException.Create(path, "ledger is read-only", "check the file's permissions", ex),
        13 => LedgerException.Create(path, "disk is full", "free space, then run again: the ledger is intact", ex),
        5 or 6 => LedgerException.Create(path, "ledger is locked by another process", "wait for the other batchgen process to finish", ex, LedgerFailure.Locked),
        10 => LedgerException.Create(path, "I/O error on the ledger", "check the disk, then run again", ex),
        _ => LedgerException.Create(path, $"SQLite error {ex.SqliteErrorCode}: {OneLine(ex.Message)}", "check the file and the disk", ex),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
