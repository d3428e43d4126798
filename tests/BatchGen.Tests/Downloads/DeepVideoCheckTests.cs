using BatchGen.Core.Downloads;
using BatchGen.Simulator;

namespace BatchGen.Tests.Downloads;

/// <summary>The optional deep check decodes with ffmpeg (installed by scripts/install-deps.sh).</summary>
public sealed class DeepVideoCheckTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CheckAsync_PlayableVideo_Passes()
    {
        var path = Path.Combine(_temp.Path, "good.mp4");
        await File.WriteAllBytesAsync(path, Video());

        (await Check().CheckAsync(path, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task CheckAsync_ContainerFineButSamplesGarbage_NamesTheDecoderError()
    {
        // The boxes still agree (Mp4Probe accepts it), but the IDR picture's bytes are overwritten.
        var bytes = Video();
        var mdat = bytes.AsSpan().IndexOf("mdat"u8);
        bytes.AsSpan(mdat + 8 + 5, 2000).Clear(); // after the length prefix and the NAL header
        var path = Path.Combine(_temp.Path, "garbage.mp4");
        await File.WriteAllBytesAsync(path, bytes);
        using (var stream = new MemoryStream(bytes))
        {
            (await Core.Media.Mp4Probe.ProbeAsync(stream, CancellationToken.None)).Error.ShouldBeNull();
        }

        var problem = await Check().CheckAsync(path, CancellationToken.None);

        problem.ShouldNotBeNull().ShouldStartWith("ffmpeg exit ");
    }

    private static DeepVideoCheck Check() =>
        DeepVideoCheck.FromPath() ?? throw new InvalidOperationException("ffmpeg is not on PATH: install the Debian 'ffmpeg' package (scripts/install-deps.sh does)");

    private static byte[] Video() =>
        VideoContent.Create(320, 240, 1, 0, new VideoLabel("magnific", "deep check", 1, "anime", "deep-check"), "deep-check").ToArray();
}
