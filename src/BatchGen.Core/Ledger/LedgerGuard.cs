using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Watches what the writer's durability rests on, around every commit: the run lock (the ledger path still names the
/// locked file), and the write-ahead log (<c>ledger.db-wal</c> still the same file, never shorter). A lost WAL means
/// a crash would silently roll the ledger back, so the guard saves what it can into ledger.db (a checkpoint) and
/// fails every later write: submitting stops. After a commit holding a submit, it writes the last event sequence to
/// <c>ledger.db.mark</c> (fsynced, outside the WAL), so an open can tell a ledger that lost events (see
/// <see cref="LedgerMark"/>).
/// </summary>
internal sealed class LedgerGuard : IDisposable
{
    private readonly string _path;
    private readonly string _walPath;
    private readonly LedgerLock _lock;
    private readonly LedgerMark _mark;
    private FileIdentity? _wal;
    private LedgerException? _failed;

    public LedgerGuard(string path, LedgerLock fileLock, LedgerMark mark)
    {
        _path = path;
        _walPath = path + "-wal";
        _lock = fileLock;
        _mark = mark;
        _wal = PosixFiles.Stat(_walPath);
    }

    /// <summary>Before a transaction: the lock and the WAL are as they were.</summary>
    public void BeforeCommit(SqliteConnection connection)
    {
        ThrowIfFailed();
        try
        {
            _lock.Verify();
        }
        catch (LedgerException ex)
        {
            _failed = ex;
            throw;
        }

        CheckWal(connection);
    }

    /// <summary>
    /// After a commit: the WAL is still the same file; a commit holding a submit moves the mark to
    /// <paramref name="lastSubmit"/>, the sequence of the commit's last event (as its insert returned it, not queried again).
    /// </summary>
    public void AfterCommit(SqliteConnection connection, long? lastSubmit)
    {
        CheckWal(connection);
        if (lastSubmit is { } sequence)
        {
            _mark.Write(sequence);
        }
    }

    public void Dispose()
    {
        _mark.Dispose();
        _lock.Dispose();
    }

    public static long MaxSequence(SqliteConnection connection) =>
        Convert.ToInt64(LedgerSchema.Scalar(connection, "SELECT COALESCE(MAX(seq), 0) FROM events;"), CultureInfo.InvariantCulture);

    private void ThrowIfFailed()
    {
        if (_failed is not null)
        {
            throw _failed;
        }
    }

    private void CheckWal(SqliteConnection connection)
    {
        ThrowIfFailed();
        if (!PosixFiles.Supported)
        {
            return;
        }

        var now = PosixFiles.Stat(_walPath);
        if (_wal is not { } known)
        {
            _wal = now;
            return;
        }

        string? what = now is not { } current ? "was deleted"
            : !current.SameFile(known) ? "was replaced by another file"
            : current.Size < known.Size ? $"shrank from {known.Size} to {current.Size} bytes"
            : null;
        if (what is null)
        {
            _wal = now;
            return;
        }

        // SQLite still holds the old log open: copy what it holds into ledger.db, so a crash now loses nothing.
        string saved;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(FULL);";
            command.ExecuteNonQuery();
            saved = "every event recorded so far was saved into ledger.db";
        }
        catch (SqliteException ex)
        {
            saved = $"saving the recorded events into ledger.db failed too ({ex.Message.ReplaceLineEndings(" ")})";
        }

        _failed = LedgerException.Create(
            _path,
            $"the ledger's write-ahead log {Path.GetFileName(_walPath)} {what} during the run: stopped submitting; {saved}",
            "never delete ledger.db-wal while a run is going; run `batchgen status` to check, then run again to resume");
        throw _failed;
    }
}

/// <summary>
/// <c>ledger.db.mark</c>: the highest event sequence known to have been committed with a submit, with the ledger's
/// id, written and fsynced after such commits. It lives outside SQLite's files, so a ledger rolled back by a lost WAL
/// ends before its mark and is refused on open until the user accepts the loss.
/// </summary>
internal sealed class LedgerMark : IDisposable
{
    private const string Magic = "batchgen-ledger-mark 1";

    /// <summary>Longer than any mark's text (the magic, a ledger id, 20 digits).</summary>
    private const int MaxLength = 256;

    private readonly string _ledgerPath;
    private readonly string _ledgerId;
    private readonly SafeFileHandle? _handle;
    private long _written;
    private bool _sized;

    private LedgerMark(string ledgerPath, string ledgerId, SafeFileHandle? handle)
    {
        _ledgerPath = ledgerPath;
        _ledgerId = ledgerId;
        _handle = handle;
    }

    public static string PathFor(string ledgerPath) => ledgerPath + ".mark";

    /// <summary>The mark recorded for <paramref name="ledgerId"/>, or null (no file, another ledger's, unreadable).</summary>
    public static long? Read(string ledgerPath, string ledgerId)
    {
        try
        {
            var path = PathFor(ledgerPath);
            if (!File.Exists(path) || new FileInfo(path).Length > 256)
            {
                return null;
            }

            var parts = File.ReadAllText(path).Trim().Split(' ');
            return parts.Length == 4 && $"{parts[0]} {parts[1]}" == Magic && parts[2] == ledgerId
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static LedgerMark Open(string ledgerPath, string ledgerId)
    {
        try
        {
            return new LedgerMark(ledgerPath, ledgerId, File.OpenHandle(PathFor(ledgerPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LedgerException.Create(ledgerPath, $"cannot write {Path.GetFileName(PathFor(ledgerPath))}: {ex.Message.ReplaceLineEndings(" ")}", "choose a writable --out directory", ex);
        }
    }

    /// <summary>Records <paramref name="sequence"/> durably (never moves backwards within a run).</summary>
    public void Write(long sequence)
    {
        if (sequence > _written)
        {
            WriteAlways(sequence);
        }
    }

    /// <summary>Sets the mark to <paramref name="sequence"/> even if lower (after the user accepted a rollback).</summary>
    public void Reset(long sequence) => WriteAlways(sequence);

    public void Dispose() => _handle?.Dispose();

    private void WriteAlways(long sequence)
    {
        if (_handle is null)
        {
            return;
        }

        try
        {
            // Fixed width (D20): the text always covers the same bytes, so after the first write (which cuts anything
            // longer left by something else) the file's size never changes and a data sync makes it durable: one
            // pwrite and one fdatasync per move, no stat of the file and no journal commit for its mtime.
            Span<byte> bytes = stackalloc byte[MaxLength];
            var length = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic} {_ledgerId} {sequence:D20}\n"), bytes);
            RandomAccess.Write(_handle, bytes[..length], 0);
            if (!_sized)
            {
                RandomAccess.SetLength(_handle, length);
                _sized = true;
            }

            PosixFiles.SyncData(_handle);
            _written = sequence;
        }
        catch (IOException ex)
        {
            throw LedgerException.Create(_ledgerPath, $"cannot write the ledger's mark file: {ex.Message.ReplaceLineEndings(" ")}", "free space or fix the disk, then run again", ex);
        }
    }
}
