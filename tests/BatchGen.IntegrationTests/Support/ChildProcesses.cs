using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace BatchGen.IntegrationTests.Support;

/// <summary>
/// Every process a test starts is registered here. Each owner kills its child (whole tree) when it is done with it;
/// as a safety net, whatever is still running when the test host exits is killed too.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>Hooks the test-host exit once, when the test assembly loads.</summary>
    [ModuleInitializer]
    internal static void Initialize() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>Starts <paramref name="info"/> and registers the process.</summary>
    public static Process Start(ProcessStartInfo info)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>Kills the process and everything it started, waits for it (bounded), and forgets it. Never throws.</summary>
    public static async Task KillTreeAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            // Never started, already reaped, or stuck in the kernel: nothing more a test can do.
        }
        finally
        {
            Forget(process);
        }
    }

    /// <summary>Removes a process that has exited from the registry.</summary>
    public static void Forget(Process process)
    {
        foreach (var (id, registered) in Running)
        {
            if (ReferenceEquals(registered, process))
            {
                Running.TryRemove(id, out _);
            }
        }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        Running.Clear();
    }
}
