using System.Diagnostics;

namespace BatchGen.TestSupport;

/// <summary>Creates a named pipe (FIFO) with the system's mkfifo, for tests that a FIFO is never opened as a manifest.</summary>
public static class Fifo
{
    public static void Create(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })
            ?? throw new InvalidOperationException("mkfifo did not start");
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("mkfifo did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed with exit {process.ExitCode}");
        }
    }
}
