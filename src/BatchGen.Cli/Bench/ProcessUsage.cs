using System.Globalization;

namespace BatchGen.Cli.Bench;

/// <summary>
/// CPU time and peak resident memory of one process, sampled from <c>/proc/PID/stat</c> (utime + stime) and
/// <c>/proc/PID/status</c> (VmHWM, the kernel's own high-water mark) while it runs. The last sample before the exit
/// counts: up to one sampling interval of CPU at the very end is not seen.
/// </summary>
internal sealed class ProcessUsage
{
    /// <summary>USER_HZ: the unit of utime and stime; 100 on every Linux the .NET runtime supports.</summary>
    private const double ClockTicksPerSecond = 100;

    public TimeSpan Cpu { get; private set; }

    public long PeakRssBytes { get; private set; }

    public int Samples { get; private set; }

    /// <summary>Samples every <paramref name="interval"/> until the process is gone or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<ProcessUsage> SampleAsync(int pid, Func<bool> exited, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        var usage = new ProcessUsage();
        while (!cancellationToken.IsCancellationRequested && !exited() && usage.Read(pid))
        {
            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return usage;
    }

    /// <summary>CPU time (user + system) the process has used so far; null once it is gone.</summary>
    public static TimeSpan? CpuOf(int pid)
    {
        try
        {
            return TimeSpan.FromSeconds(Ticks(File.ReadAllText($"/proc/{pid}/stat")) / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of a <c>/proc/PID/stat</c> line, in clock ticks.</summary>
    private static long Ticks(string stat)
    {
        // Fields after the command name (in parentheses, which may contain spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>One sample; false once the process is gone (or its memory already released at exit).</summary>
    private bool Read(int pid)
    {
        try
        {
            var ticks = Ticks(File.ReadAllText($"/proc/{pid}/stat"));
            var hwm = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (hwm is null)
            {
                return false;
            }

            Cpu = TimeSpan.FromSeconds(Math.Max(Cpu.TotalSeconds, ticks / ClockTicksPerSecond));
            var kb = long.Parse(hwm["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            PeakRssBytes = Math.Max(PeakRssBytes, kb * 1024);
            Samples++;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }
}
