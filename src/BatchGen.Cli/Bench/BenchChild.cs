using System.Diagnostics;
using System.Text;

namespace BatchGen.Cli.Bench;

/// <summary>
/// A <c>batchgen</c> child process of the bench (the simulator, plan, run). Its output goes to a log file and the last
/// lines stay in memory for error messages; a caller can wait for a line. Disposing it kills the whole tree if it
/// still runs, so no child outlives the bench.
/// </summary>
internal sealed class BenchChild : IAsyncDisposable
{
    private const int TailLines = 5;
    private readonly Process _process;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly StringBuilder _stdout = new();
    private readonly Task _pumps;
    private (Func<string, bool> Match, TaskCompletionSource<string> Found)? _waiter;

    private BenchChild(Process process, StreamWriter log, bool keepStdout)
    {
        _process = process;
        // Both pumps write to it.
        _log = TextWriter.Synchronized(log);
        KeepStdout = keepStdout;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, stdout: true), PumpAsync(process.StandardError, stdout: false));
    }

    public int Id => _process.Id;

    private bool KeepStdout { get; }

    /// <summary>Everything the child printed on stdout, when asked for at start (plan's JSON).</summary>
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

    /// <summary>The last lines of both outputs, at most 600 characters (the end kept).</summary>
    public string Tail
    {
        get
        {
            lock (_gate)
            {
                var text = string.Join('\n', _tail);
                return text.Length <= 600 ? text : "..." + text[^600..];
            }
        }
    }

    public static BenchChild Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logPath, bool keepStdout = false)
    {
        var (file, prefix) = SelfCommand();
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in prefix.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        try
        {
            log.WriteLine($"$ batchgen {string.Join(' ', args)}");
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
            process.StandardInput.Close();
            return new BenchChild(process, log, keepStdout);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>The first stdout line matching <paramref name="match"/>; throws if the child exits or the time passes first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiter = (match, found);
        }

        var first = await Task.WhenAny(found.Task, _pumps).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return first == found.Task
            ? await found.Task.ConfigureAwait(false)
            : throw new InvalidOperationException($"the child process exited before it was ready: {Tail}");
    }

    /// <summary>Waits for the exit (and the end of its output); kills the tree and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"the child process ran past its time limit ({timeout.TotalSeconds:0} s) and was killed; last output: {Tail}");
        }

        await _pumps.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            await _pumps.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stuck in the kernel: nothing more to do; the bench reports what it has.
        }

        _process.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task PumpAsync(StreamReader reader, bool stdout)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await _log.WriteLineAsync(line).ConfigureAwait(false);
            lock (_gate)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }

                if (stdout && KeepStdout)
                {
                    _stdout.AppendLine(line);
                }

                if (stdout && _waiter is { } waiter && waiter.Match(line))
                {
                    waiter.Found.TrySetResult(line);
                    _waiter = null;
                }
            }
        }
    }

    /// <summary>How to start this same CLI: its apphost, or <c>dotnet batchgen.dll</c> when run through dotnet.</summary>
    private static (string File, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var name = Path.GetFileNameWithoutExtension(path);
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (path, [typeof(BenchChild).Assembly.Location])
            : (path, []);
    }
}
