using System.Diagnostics;
using System.Globalization;

namespace BatchGen.IntegrationTests.Support;

/// <summary>ffprobe and a full ffmpeg decode of a video file (scripts/install-deps.sh installs them), with a time limit.</summary>
internal static class Ffmpeg
{
    public static void EnsureInstalled()
    {
        foreach (var tool in new[] { "/usr/bin/ffprobe", "/usr/bin/ffmpeg" })
        {
            if (!File.Exists(tool))
            {
                Assert.Fail($"{tool} is missing: install the Debian 'ffmpeg' package (scripts/install-deps.sh does) to run the video tests.");
            }
        }
    }

    /// <summary>The first video stream's codec, size, frame count and the container duration, as ffprobe reads them.</summary>
    public static async Task<(string Codec, int Width, int Height, int Frames, double Seconds)> ProbeAsync(string file)
    {
        var (exit, stdout, stderr) = await RunAsync("/usr/bin/ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames:format=duration", "-of", "default=nw=1", file);
        exit.ShouldBe(0, stderr);
        stderr.ShouldBeEmpty();
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        return (
            values["codec_name"],
            int.Parse(values["width"], CultureInfo.InvariantCulture),
            int.Parse(values["height"], CultureInfo.InvariantCulture),
            int.Parse(values["nb_read_frames"], CultureInfo.InvariantCulture),
            double.Parse(values["duration"], CultureInfo.InvariantCulture));
    }

    /// <summary>Decodes every frame: <c>ffmpeg -v error -i FILE -f null -</c>. Returns its exit code and error output.</summary>
    public static async Task<(int ExitCode, string Errors)> DecodeAsync(string file)
    {
        var (exit, _, stderr) = await RunAsync("/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-i", file, "-f", "null", "-");
        return (exit, stderr);
    }

    private static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string executable, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await stdout).Replace("\r", string.Empty, StringComparison.Ordinal), await stderr);
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
