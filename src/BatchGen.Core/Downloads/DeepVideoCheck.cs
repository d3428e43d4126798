using System.Diagnostics;
using System.Globalization;

namespace BatchGen.Core.Downloads;

/// <summary>
/// The optional deep check (<c>verify: deep</c>, <c>--verify deep</c>): decodes the whole file with
/// <c>ffmpeg -v error -i FILE -f null -</c>; any decoder error or a non-zero exit makes the file undecodable.
/// </summary>
public sealed class DeepVideoCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private DeepVideoCheck(string ffmpeg) => FfmpegPath = ffmpeg;

    public string FfmpegPath { get; }

    /// <summary>The check with ffmpeg from PATH, or null when it is not installed.</summary>
    public static DeepVideoCheck? FromPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : ["ffmpeg"])
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return new DeepVideoCheck(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>Null when ffmpeg decodes every frame without an error, else the first error line.</summary>
    public async Task<string?> CheckAsync(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FfmpegPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-nostdin", "-v", "error", "-i", path, "-f", "null", "-" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"ffmpeg could not start: {ex.Message}";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var errors = (await stderr.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await stdout.ConfigureAwait(false);
            if (process.ExitCode != 0 || errors.Length > 0)
            {
                var first = errors.Length > 0 ? errors[0] : "no message";
                return string.Create(CultureInfo.InvariantCulture, $"ffmpeg exit {process.ExitCode}: {first}");
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"ffmpeg did not finish decoding in {Timeout.TotalMinutes:0} minutes");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
