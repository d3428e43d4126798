using System.Diagnostics;
using BatchGen.Core.Media;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator.Video;

public sealed class SyntheticVideoTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(960, 540, 5)]
    [InlineData(1280, 720, 8)]
    [InlineData(1920, 1080, 5)]
    [InlineData(864, 1280, 5)]
    [InlineData(720, 540, 10)]
    public async Task Create_ProbesBackAsAnH264TrackOfTheRequestedSizeAndDuration(int width, int height, int seconds)
    {
        var bytes = Create(width, height, seconds).ToArray();

        using var stream = new MemoryStream(bytes);
        var (info, error) = await Mp4Probe.ProbeAsync(stream, CancellationToken.None);

        error.ShouldBeNull();
        info!.Width.ShouldBe(width);
        info.Height.ShouldBe(height);
        info.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
        info.Codec.ShouldBe("avc1");
        info.Samples.ShouldBe(seconds * SyntheticVideo.FramesPerSecond);
        info.Length.ShouldBe(bytes.Length);
    }

    [Fact]
    public void Create_SameTask_SameBytes_OtherSeed_OtherFirstPicture()
    {
        var a = Create(960, 540, 5, seed: 7).ToArray();
        var again = Create(960, 540, 5, seed: 7, cacheKey: "other-key").ToArray();
        var b = Create(960, 540, 5, seed: 8, cacheKey: "seed-8").ToArray();

        again.ShouldBe(a);
        b.Length.ShouldBe(a.Length);
        b.ShouldNotBe(a);
    }

    [Fact]
    public void Create_At1080p_IsAFewMegabytes()
    {
        var length = Create(1920, 1080, 5).Length;

        length.ShouldBeInRange(3_000_000, 6_000_000);
    }

    [Fact]
    public void Create_WithAMinimumSize_PadsWithFillerUpToIt()
    {
        var length = Create(960, 540, 5, minimumBytes: 4_000_000).Length;

        length.ShouldBeInRange(4_000_000, 4_100_000);
    }

    [Fact]
    public async Task WriteAsync_ARange_EqualsTheSameSliceOfTheWholeFile()
    {
        var content = Create(1280, 720, 5);
        var whole = content.ToArray();
        using var part = new MemoryStream();
        await content.WriteAsync(part, 70_000, 1_500_000, CancellationToken.None);
        part.ToArray().ShouldBe(whole.AsSpan(70_000, 1_500_000).ToArray());
    }

    [Theory]
    [InlineData("NoSamples", "no samples")]
    [InlineData("BrokenChunkOffset", "past the end")]
    [InlineData("TruncatedMdat", "truncated")]
    public async Task Create_Damaged_IsRejectedByTheProbe(string damage, string expected)
    {
        using var stream = new MemoryStream(Create(960, 540, 5, damage: Enum.Parse<Mp4Damage>(damage)).ToArray());

        var (info, error) = await Mp4Probe.ProbeAsync(stream, CancellationToken.None);

        info.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(expected);
    }

    [Theory]
    [InlineData(960, 540, 5)]
    [InlineData(1920, 1080, 5)]
    [InlineData(540, 960, 8)]
    [InlineData(864, 1280, 5)]
    public async Task Create_DecodesWithFfmpegWithoutErrors(int width, int height, int seconds)
    {
        var path = Path.Combine(_temp.Path, $"{width}x{height}.mp4");
        await File.WriteAllBytesAsync(path, Create(width, height, seconds, minimumBytes: 2_000_000).ToArray());

        var probe = await RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames:format=duration", "-of", "default=nw=1", path);
        var decode = await RunAsync("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-");

        probe.Error.ShouldBeEmpty();
        probe.Output.ShouldContain("codec_name=h264");
        probe.Output.ShouldContain($"width={width}\n");
        probe.Output.ShouldContain($"height={height}\n");
        probe.Output.ShouldContain($"nb_read_frames={seconds * SyntheticVideo.FramesPerSecond}\n");
        probe.Output.ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"duration={seconds:0.000000}"));
        decode.Error.ShouldBeEmpty();
        decode.ExitCode.ShouldBe(0);
    }

    [Theory]
    [InlineData(640, 360, 5, 6_000)]
    [InlineData(1920, 1080, 10, 16_000)]
    public async Task CreateFlat_ProbesBackAtTheRequestedSizeAndDuration_InAFewKilobytes(int width, int height, int seconds, int maxBytes)
    {
        var bytes = CreateFlat(width, height, seconds, "task-0001").ToArray();

        using var stream = new MemoryStream(bytes);
        var (info, error) = await Mp4Probe.ProbeAsync(stream, CancellationToken.None);

        error.ShouldBeNull();
        info!.Width.ShouldBe(width);
        info.Height.ShouldBe(height);
        info.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
        info.Codec.ShouldBe("avc1");
        info.Samples.ShouldBe(seconds * SyntheticVideo.FramesPerSecond);
        bytes.Length.ShouldBeLessThan(maxBytes);
        VideoFacts.From(info, width, height, seconds).Warning.ShouldBeNull();
    }

    [Fact]
    public void CreateFlat_SameTask_SameBytes_OtherTask_OtherBytes()
    {
        var a = CreateFlat(640, 360, 5, "task-a").ToArray();

        CreateFlat(640, 360, 5, "task-a").ToArray().ShouldBe(a);
        CreateFlat(640, 360, 5, "task-b").ToArray().ShouldNotBe(a);
    }

    [Theory]
    [InlineData(640, 360, 5)]
    [InlineData(1080, 1920, 8)]
    public async Task CreateFlat_DecodesWithFfmpegToAGreyStill(int width, int height, int seconds)
    {
        var path = Path.Combine(_temp.Path, $"flat-{width}x{height}.mp4");
        await File.WriteAllBytesAsync(path, CreateFlat(width, height, seconds, "task-ff").ToArray());

        var probe = await RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=nw=1", path);
        var stats = Path.Combine(_temp.Path, $"flat-{width}x{height}.txt");
        var decode = await RunAsync("ffmpeg", "-v", "error", "-i", path, "-vf", $"signalstats,metadata=print:key=lavfi.signalstats.YAVG:file={stats}", "-f", "null", "-");

        probe.Error.ShouldBeEmpty();
        probe.Output.ShouldContain("codec_name=h264");
        probe.Output.ShouldContain($"width={width}\n");
        probe.Output.ShouldContain($"height={height}\n");
        probe.Output.ShouldContain($"nb_read_frames={seconds * SyntheticVideo.FramesPerSecond}\n");
        decode.ExitCode.ShouldBe(0, decode.Error);
        decode.Error.ShouldBeEmpty();
        var averages = (await File.ReadAllLinesAsync(stats)).Where(l => l.StartsWith("lavfi.signalstats.YAVG=", StringComparison.Ordinal)).ToList();
        averages.Count.ShouldBe(seconds * SyntheticVideo.FramesPerSecond);
        averages.ShouldAllBe(l => l == "lavfi.signalstats.YAVG=128");
    }

    private static VideoContent CreateFlat(int width, int height, int seconds, string taskId) =>
        VideoContent.Create(width, height, seconds, 4_000_000, new VideoLabel("aimlapi", "a ginger cat", 1, "anime", taskId), $"flat|{taskId}", flat: true);

    private static VideoContent Create(int width, int height, int seconds, int seed = 42, string? cacheKey = null, long minimumBytes = 0, Mp4Damage damage = Mp4Damage.None) =>
        VideoContent.Create(width, height, seconds, minimumBytes, new VideoLabel("magnific", "a ginger cat on a windowsill, slow push-in", seed, "anime", "task-0001"), cacheKey ?? $"test|{seed}", damage);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await output).Replace("\r", string.Empty, StringComparison.Ordinal), await error);
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
