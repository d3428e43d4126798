using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BatchGen.Cli.Bench;

/// <summary>What the results depend on besides the code: cores, memory, load, and the commit measured.</summary>
internal static class MachineProbe
{
    /// <summary>The machine and the commit now; the load average at the end is the one now too, until replaced.</summary>
    public static async Task<MachineInfo> ReadAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var commit = await GitAsync(["rev-parse", "HEAD"], cancellationToken).ConfigureAwait(false);
        var subject = await GitAsync(["log", "-1", "--format=%s"], cancellationToken).ConfigureAwait(false);
        var dirty = await GitAsync(["status", "--porcelain", "--untracked-files=no"], cancellationToken).ConfigureAwait(false);
        return new MachineInfo(
            time.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            commit ?? "unknown (not a git work tree)",
            subject ?? string.Empty,
            dirty is { Length: > 0 },
            Environment.ProcessorCount,
            CpuModel(),
            MemTotalBytes(),
            LoadAverage(),
            LoadAverage(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The 1, 5 and 15 minute load averages, as <c>/proc/loadavg</c> gives them.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static long MemTotalBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return 0;
        }
    }

    /// <summary>One git command in the current directory, at most 10 s; null when git is missing or fails.</summary>
    private static async Task<string?> GitAsync(string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var git = Process.Start(info);
            if (git is null)
            {
                return null;
            }

            try
            {
                var output = git.StandardOutput.ReadToEndAsync(cancellationToken);
                var errors = git.StandardError.ReadToEndAsync(cancellationToken);
                await git.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                await errors.ConfigureAwait(false);
                return git.ExitCode == 0 ? (await output.ConfigureAwait(false)).Trim() : null;
            }
            finally
            {
                if (!git.HasExited)
                {
                    git.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }
}
