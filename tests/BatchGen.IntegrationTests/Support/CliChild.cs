using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BatchGen.IntegrationTests.Support;

/// <summary>
/// A running `batchgen` child process whose output is read line by line as it comes, so that a test can wait for a
/// line (a readiness signal, a state) instead of sleeping. Disposing it kills the whole process tree if it still runs.
/// </summary>
public sealed class CliChild : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Task _stdoutClosed;
    private readonly Task _stderrClosed;
    private int _scanned;

    internal CliChild(Process process, string description)
    {
        Process = process;
        Description = description;
        // Both pipes are drained from the start, so a chatty child never blocks on a full pipe.
        _stdoutClosed = Task.Run(() => PumpAsync(process.StandardOutput, _stdout, matchLines: true));
        _stderrClosed = Task.Run(() => PumpAsync(process.StandardError, _stderr, matchLines: false));
    }

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>The command line, for failure messages.</summary>
    public string Description { get; }

    public string StdOut
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StdErr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// The first stdout line (already printed or still to come) that matches; throws with the output so far when the
    /// process exits or <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var earlier = _stdout.ToString(0, _scanned).Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (earlier is not null)
            {
                return earlier;
            }

            _waiters.Add((match, found));
        }

        try
        {
            var exited = _stdoutClosed;
            var first = await Task.WhenAny(found.Task, exited).WaitAsync(timeout);
            if (first == found.Task)
            {
                return await found.Task;
            }

            throw new InvalidOperationException($"{Description} closed its output without the awaited line; stdout:\n{StdOut}\nstderr:\n{StdErr}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Description} did not print the awaited line within {timeout.TotalSeconds} s; stdout:\n{StdOut}\nstderr:\n{StdErr}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>Sends a signal (INT, TERM) through `kill`.</summary>
    public async Task SignalAsync(string signal)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add($"-{signal}");
        info.ArgumentList.Add(Id.ToString(CultureInfo.InvariantCulture));
        using var kill = ChildProcesses.Start(info);
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await kill.WaitForExitAsync(wait.Token);
            kill.ExitCode.ShouldBe(0, $"kill -{signal} {Id}");
        }
        finally
        {
            await ChildProcesses.KillTreeAsync(kill);
        }
    }

    /// <summary>Waits for the exit and the end of both outputs; throws (the caller's dispose then kills) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed, _stderrClosed).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Description} did not exit within {timeout.TotalSeconds} s; stdout:\n{StdOut}\nstderr:\n{StdErr}");
        }

        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillTreeAsync(Process);
        Process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader, StringBuilder buffer, bool matchLines)
    {
        var chunk = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(chunk)) > 0)
        {
            List<(TaskCompletionSource<string> Found, string Line)> matched = [];
            lock (_gate)
            {
                buffer.Append(chunk, 0, read);
                if (matchLines)
                {
                    ScanNewLines(matched);
                }
            }

            foreach (var (found, line) in matched)
            {
                found.TrySetResult(line);
            }
        }
    }

    /// <summary>Checks every complete stdout line not checked before against the waiters (under the lock).</summary>
    private void ScanNewLines(List<(TaskCompletionSource<string> Found, string Line)> matched)
    {
        var text = _stdout.ToString();
        int end;
        while ((end = text.IndexOf('\n', _scanned)) >= 0)
        {
            var line = text[_scanned..end].TrimEnd('\r');
            _scanned = end + 1;
            foreach (var (match, found) in _waiters)
            {
                if (match(line))
                {
                    matched.Add((found, line));
                }
            }
        }
    }
}
