using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace BatchGen.Core.Ledger;

/// <summary>
/// One run per batch: an OS lock held on the ledger file itself (a Linux open-file-description lock on ledger.db, so
/// deleting or editing any other file in the directory cannot break it), for the whole run. <c>ledger.db.lock</c> is
/// information only (PID, host, start time): it names the holder to a second run and is removed at a clean close.
/// <see cref="Verify"/> checks, before every ledger commit, that the path still names the locked file.
/// Where OFD locks are unavailable (not Linux), a .NET exclusive open of <c>ledger.db.lock</c> is the fallback.
/// </summary>
internal sealed class LedgerLock : IDisposable
{
    private readonly string _ledgerPath;
    private readonly SafeFileHandle? _ledgerHandle;
    private readonly FileStream? _fallback;
    private readonly FileIdentity? _identity;
    private readonly string _info;

    private LedgerLock(string ledgerPath, SafeFileHandle? ledgerHandle, FileStream? fallback, bool created, string info)
    {
        _ledgerPath = ledgerPath;
        _ledgerHandle = ledgerHandle;
        _fallback = fallback;
        _identity = ledgerHandle is null ? null : PosixFiles.Stat(ledgerHandle);
        Created = created;
        _info = info;
    }

    /// <summary>True when this open created the ledger file (it did not exist before).</summary>
    public bool Created { get; }

    /// <summary>A line to show the user (a lock taken over from a process that is gone), or null.</summary>
    public string? Notice { get; private set; }

    public static string InfoPath(string ledgerPath) => ledgerPath + ".lock";

    /// <summary>Takes the lock or throws a <see cref="LedgerException"/> (<see cref="LedgerFailure.Locked"/> when another run holds it).</summary>
    public static LedgerLock Acquire(string ledgerPath, TimeProvider time)
    {
        var (handle, created) = OpenLedgerFile(ledgerPath);
        var info = string.Create(CultureInfo.InvariantCulture, $"pid: {Environment.ProcessId}\nhost: {Environment.MachineName}\nstarted: {time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}\n");
        var previous = ReadInfo(ledgerPath);
        LedgerLock result;
        switch (PosixFiles.TryLock(handle))
        {
            case PosixFiles.LockResult.Acquired:
                result = new LedgerLock(ledgerPath, handle, null, created, info);
                break;
            case PosixFiles.LockResult.HeldElsewhere:
                handle.Dispose();
                throw Held(ledgerPath, previous, null);
            default:
                handle.Dispose();
                result = new LedgerLock(ledgerPath, null, AcquireFallback(ledgerPath, previous), created, info);
                break;
        }

        if (previous is not null)
        {
            result.Notice = TakeOverNotice(previous);
        }

        result.WriteInfo();
        return result;
    }

    /// <summary>
    /// Throws unless the ledger path still names the file this lock holds (a deleted or replaced ledger would let a
    /// second run start a fresh one beside this run).
    /// </summary>
    public void Verify()
    {
        if (_identity is not { } held)
        {
            return;
        }

        if (PosixFiles.Stat(_ledgerPath) is not { } now || !now.SameFile(held))
        {
            throw LedgerException.Create(
                _ledgerPath,
                "the ledger file was deleted or replaced during the run; stopped before recording or submitting anything more",
                "put the original ledger back if you have it, and check the providers' dashboards before running this batch again");
        }
    }

    public void Dispose()
    {
        try
        {
            // Remove the information file only when it is still ours.
            var path = InfoPath(_ledgerPath);
            if (_fallback is not null)
            {
                File.Delete(path);
            }
            else if (File.Exists(path) && string.Equals(File.ReadAllText(path), _info, StringComparison.Ordinal))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Information only: a stale file is reported as taken over next time.
        }

        _ledgerHandle?.Dispose();
        _fallback?.Dispose();
    }

    private static (SafeFileHandle Handle, bool Created) OpenLedgerFile(string path)
    {
        const FileShare Share = FileShare.ReadWrite | FileShare.Delete;
        try
        {
            try
            {
                return (File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, Share), false);
            }
            catch (FileNotFoundException)
            {
                return (File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, Share), true);
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            var what = File.Exists(path) ? "the ledger file is not writable (permission denied)" : $"cannot create the ledger file in {Path.GetDirectoryName(path)} (permission denied)";
            throw LedgerException.Create(path, what, "choose a writable --out directory, or fix the permissions", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LedgerException.Create(path, $"cannot create a file in {Path.GetDirectoryName(path)}: that directory does not accept new files", "choose a writable --out directory on a regular file system", ex);
        }
        catch (IOException ex)
        {
            throw LedgerException.Create(path, $"cannot open or create the ledger file: {ex.Message.ReplaceLineEndings(" ")}", "choose a writable --out directory on a local file system", ex);
        }
    }

    private static FileStream AcquireFallback(string ledgerPath, string? previous)
    {
        try
        {
            return new FileStream(InfoPath(ledgerPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw LedgerException.Create(ledgerPath, "the ledger's directory is not writable", "choose a writable --out directory", ex);
        }
        catch (IOException ex)
        {
            throw Held(ledgerPath, previous, ex);
        }
    }

    private static LedgerException Held(string ledgerPath, string? info, Exception? inner)
    {
        var holder = info is null ? "a process that left no lock information" : Describe(info);
        return LedgerException.Create(
            ledgerPath,
            $"another batchgen run holds this batch: {holder}",
            "wait for it to finish, or stop it; its work resumes from the ledger",
            inner,
            LedgerFailure.Locked);
    }

    private static string? TakeOverNotice(string previous)
    {
        var pid = Field(previous, "pid");
        var host = Field(previous, "host");
        var gone = string.Equals(host, Environment.MachineName, StringComparison.Ordinal)
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !IsAlive(id);
        return gone
            ? $"taking over the ledger lock left by {Describe(previous)}: that process is gone"
            : $"taking over the ledger lock: {InfoPath("ledger.db")} names {Describe(previous)}, which no longer holds the ledger";
    }

    private static string Describe(string info) =>
        $"PID {Field(info, "pid") ?? "?"} on host {Field(info, "host") ?? "?"}, started {Field(info, "started") ?? "at an unknown time"}";

    private static string? Field(string info, string name)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(name + ": ", StringComparison.Ordinal))
            {
                var value = line[(name.Length + 2)..].Trim();
                return value.Length is > 0 and <= 200 ? value : null;
            }
        }

        return null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string? ReadInfo(string ledgerPath)
    {
        try
        {
            var path = InfoPath(ledgerPath);
            if (!File.Exists(path) || new FileInfo(path).Length > 4096)
            {
                return null;
            }

            var text = File.ReadAllText(path);
            return text.Length == 0 ? null : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void WriteInfo()
    {
        try
        {
            if (_fallback is not null)
            {
                _fallback.SetLength(0);
                _fallback.Write(System.Text.Encoding.UTF8.GetBytes(_info));
                _fallback.Flush();
            }
            else
            {
                File.WriteAllText(InfoPath(_ledgerPath), _info);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Information only; the OS lock on the ledger is what excludes a second run.
        }
    }
}
