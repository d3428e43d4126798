using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchGen.Core.Reviews;

/// <summary>What ffmpeg's analysis filters found in one video.</summary>
/// <param name="BlackFraction">Share of the duration in black frames (blackdetect).</param>
/// <param name="FrozenFraction">Share of the duration with frozen frames (freezedetect).</param>
/// <param name="SceneCuts">Scene changes (scdet).</param>
/// <param name="Motion">Mean luma difference between consecutive frames, 0-255 (0 = nothing moves).</param>
public sealed record VideoCheck(double DurationSeconds, double BlackFraction, double FrozenFraction, int SceneCuts, double Motion)
{
    public const double FlagFraction = 0.2;
    public const double StillMotion = 0.05;

    /// <summary>Short flags a person reads in the grid and the reports, e.g. "frozen 80%", "black 25%", "no motion", "2 cuts".</summary>
    public IReadOnlyList<string> Flags
    {
        get
        {
            var flags = new List<string>();
            if (BlackFraction >= FlagFraction)
            {
                flags.Add($"black {Percent(BlackFraction)}");
            }

            if (FrozenFraction >= FlagFraction)
            {
                flags.Add($"frozen {Percent(FrozenFraction)}");
            }
            else if (Motion < StillMotion)
            {
                flags.Add("no motion");
            }

            if (SceneCuts > 0)
            {
                flags.Add(SceneCuts == 1 ? "1 cut" : $"{SceneCuts} cuts");
            }

            return flags;
        }
    }

    private static string Percent(double fraction) => Math.Round(fraction * 100).ToString(CultureInfo.InvariantCulture) + "%";
}

/// <summary>
/// Automatic checks of a video with ffmpeg (when installed): black frames (blackdetect), frozen frames
/// (freezedetect), scene cuts (scdet) and the amount of motion (mean frame difference, tblend + signalstats), in one
/// decoding pass. Without ffmpeg the checks are skipped; the caller says so once.
/// </summary>
public static partial class VideoChecks
{
    private const string Filters =
        "blackdetect=d=0.1:pix_th=0.10,freezedetect=n=0.003:d=0.5,scdet=t=10,tblend=all_mode=difference,signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The ffmpeg on PATH, or null.</summary>
    public static string? FindFfmpeg()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs the analysis on one file; an error comes back as text (undecodable file, timeout).</summary>
    public static async Task<(VideoCheck? Check, string? Error)> RunAsync(string ffmpeg, string file, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-hide_banner", "-nostats", "-nostdin", "-i", file, "-an", "-vf", Filters, "-f", "null", "-" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start ffmpeg");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return (null, $"ffmpeg took longer than {Limit.TotalMinutes} minutes");
        }

        var log = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var last = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
            return (null, $"ffmpeg could not decode it (exit {process.ExitCode}): {last}");
        }

        return Parse(log) is { } check ? (check, null) : (null, "ffmpeg reported no duration");
    }

    /// <summary>Reads the figures from ffmpeg's log; null without a duration.</summary>
    public static VideoCheck? Parse(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var durationMatch = DurationRegex().Match(log);
        if (!durationMatch.Success)
        {
            return null;
        }

        var duration = (int.Parse(durationMatch.Groups[1].Value, CultureInfo.InvariantCulture) * 3600)
            + (int.Parse(durationMatch.Groups[2].Value, CultureInfo.InvariantCulture) * 60)
            + double.Parse(durationMatch.Groups[3].Value, CultureInfo.InvariantCulture);
        if (duration <= 0)
        {
            return null;
        }

        var black = BlackRegex().Matches(log).Sum(m => Number(m.Groups[1].Value));
        var frozen = FreezeDurationRegex().Matches(log).Sum(m => Number(m.Groups[1].Value));
        var starts = FreezeStartRegex().Count(log);
        var ends = FreezeEndRegex().Count(log);
        if (starts > ends && FreezeStartRegex().Matches(log) is { Count: > 0 } open)
        {
            // A freeze still open at the end of the video lasts until the end.
            frozen += Math.Max(0, duration - Number(open[^1].Groups[1].Value));
        }

        var motion = MotionRegex().Matches(log).Select(m => Number(m.Groups[1].Value)).DefaultIfEmpty(0).Average();
        return new VideoCheck(
            duration,
            Math.Clamp(black / duration, 0, 1),
            Math.Clamp(frozen / duration, 0, 1),
            SceneRegex().Count(log),
            motion);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")]
    private static partial Regex DurationRegex();

    [GeneratedRegex(@"black_duration:(\d+(?:\.\d+)?)")]
    private static partial Regex BlackRegex();

    [GeneratedRegex(@"lavfi\.freezedetect\.freeze_duration: (\d+(?:\.\d+)?)")]
    private static partial Regex FreezeDurationRegex();

    [GeneratedRegex(@"lavfi\.freezedetect\.freeze_start: (\d+(?:\.\d+)?)")]
    private static partial Regex FreezeStartRegex();

    [GeneratedRegex(@"lavfi\.freezedetect\.freeze_end: (\d+(?:\.\d+)?)")]
    private static partial Regex FreezeEndRegex();

    [GeneratedRegex(@"lavfi\.scd\.time: (\d+(?:\.\d+)?)")]
    private static partial Regex SceneRegex();

    [GeneratedRegex(@"lavfi\.signalstats\.YAVG=(\d+(?:\.\d+)?)")]
    private static partial Regex MotionRegex();
}
