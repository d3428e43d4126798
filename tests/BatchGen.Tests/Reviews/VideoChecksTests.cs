using System.Diagnostics;
using BatchGen.Core.Reviews;

namespace BatchGen.Tests.Reviews;

public sealed class VideoChecksTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Parse_FfmpegLog_ReadsEveryMeasure()
    {
        const string log = """
              Duration: 00:00:04.00, start: 0.000000, bitrate: 28 kb/s
            [freezedetect @ 0x1] lavfi.freezedetect.freeze_start: 0
            [blackdetect @ 0x2] black_start:0 black_end:2 black_duration:2
            [freezedetect @ 0x1] lavfi.freezedetect.freeze_duration: 2
            [freezedetect @ 0x1] lavfi.freezedetect.freeze_end: 2
            [freezedetect @ 0x1] lavfi.freezedetect.freeze_start: 3.5
            [scdet @ 0x3] lavfi.scd.score: 42.990, lavfi.scd.time: 2
            [Parsed_metadata_5 @ 0x4] lavfi.signalstats.YAVG=1.5
            [Parsed_metadata_5 @ 0x4] lavfi.signalstats.YAVG=0.5
            """;

        var check = VideoChecks.Parse(log)!;

        check.DurationSeconds.ShouldBe(4);
        check.BlackFraction.ShouldBe(0.5);
        check.FrozenFraction.ShouldBe(2.5 / 4); // 2 s closed + 0.5 s still frozen at the end
        check.SceneCuts.ShouldBe(1);
        check.Motion.ShouldBe(1.0);
        check.Flags.ShouldBe(["black 50%", "frozen 62%", "1 cut"]);
    }

    [Fact]
    public void Parse_NoDuration_IsNotACheck() => VideoChecks.Parse("garbage").ShouldBeNull();

    [Fact]
    public async Task RunAsync_RealVideos_FlagsBlackFrozenAndStillVideosButNotAMovingOne()
    {
        var ffmpeg = VideoChecks.FindFfmpeg() ?? throw new InvalidOperationException("ffmpeg is not installed: scripts/install-deps.sh installs it");
        var moving = await MakeAsync(ffmpeg, "moving.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=3");
        var halfBlack = await MakeAsync(ffmpeg, "half-black.mp4", "-f", "lavfi", "-i", "color=black:size=160x120:rate=25:duration=2", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2", "-filter_complex", "[0][1]concat=n=2:v=1");
        var frozen = await MakeAsync(ffmpeg, "frozen.mp4", "-f", "lavfi", "-i", "color=red:size=160x120:rate=25:duration=3");

        var movingCheck = (await VideoChecks.RunAsync(ffmpeg, moving, default)).Check!;
        var halfBlackCheck = (await VideoChecks.RunAsync(ffmpeg, halfBlack, default)).Check!;
        var frozenCheck = (await VideoChecks.RunAsync(ffmpeg, frozen, default)).Check!;
        var (broken, error) = await VideoChecks.RunAsync(ffmpeg, _temp.Write("broken.mp4", "not a video"), default);

        movingCheck.Flags.ShouldBeEmpty();
        movingCheck.Motion.ShouldBeGreaterThan(VideoCheck.StillMotion);
        halfBlackCheck.BlackFraction.ShouldBe(0.5, 0.05);
        halfBlackCheck.SceneCuts.ShouldBeGreaterThanOrEqualTo(1);
        halfBlackCheck.Flags.ShouldContain("black 50%");
        frozenCheck.FrozenFraction.ShouldBeGreaterThan(0.8);
        frozenCheck.Flags.ShouldContain(f => f.StartsWith("frozen", StringComparison.Ordinal));
        broken.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("could not decode");
    }

    private async Task<string> MakeAsync(string ffmpeg, string name, params string[] input)
    {
        var path = Path.Combine(_temp.Path, name);
        var info = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-nostdin", "-y" }.Concat(input).Concat(["-pix_fmt", "yuv420p", path]))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, await stderr);
        return path;
    }
}
