using BatchGen.Core.Media;
using BatchGen.Simulator;
using FsCheck.Xunit;

namespace BatchGen.Tests.Simulator;

public sealed class Mp4LayoutTests
{
    private static readonly string[] Resolutions = ["360p", "540p", "720p", "1080p"];
    private static readonly string[] Aspects = ["16:9", "4:3", "1:1", "3:4", "9:16"];
    private static readonly int[] Durations = [5, 8, 10];

    [Property]
    public bool Create_AnyResolutionAspectAndDuration_ProbesBackToTheSameValues(int r, int a, int d)
    {
        var resolution = Resolutions[Math.Abs(r % Resolutions.Length)];
        var aspect = Aspects[Math.Abs(a % Aspects.Length)];
        var duration = Durations[Math.Abs(d % Durations.Length)];
        var (w, h) = FrameSize.For(resolution, aspect);
        var payload = Mp4Layout.PayloadBytes(w, h, duration, 100);
        var content = new VideoContent(Mp4Layout.Create(w, h, duration, payload), 1);
        using var stream = new MemoryStream();
        content.WriteAsync(stream, 0, content.Length, CancellationToken.None).GetAwaiter().GetResult();
        stream.Position = 0;
        var (info, error) = Mp4Probe.ProbeAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        return error is null && info!.Width == w && info.Height == h
            && info.Duration == TimeSpan.FromSeconds(duration) && info.Length == content.Length;
    }

    [Fact]
    public async Task WriteAsync_ARange_EqualsTheSameSliceOfTheWholeFile()
    {
        var content = new VideoContent(Mp4Layout.Create(1280, 720, 5, 300_000), 42);
        using var whole = new MemoryStream();
        await content.WriteAsync(whole, 0, content.Length, CancellationToken.None);
        using var part = new MemoryStream();
        await content.WriteAsync(part, 70_000, 100_000, CancellationToken.None);
        part.ToArray().ShouldBe(whole.ToArray().AsSpan(70_000, 100_000).ToArray());
    }

    [Theory]
    [InlineData("bytes=0-99", 1000, 0, 100)]
    [InlineData("bytes=900-", 1000, 900, 100)]
    [InlineData("bytes=-10", 1000, 990, 10)]
    [InlineData("bytes=990-5000", 1000, 990, 10)]
    public void ParseRange_SingleRange_GivesStartAndCount(string header, long length, long start, long count) =>
        DownloadEndpoint.ParseRange(header, length).ShouldBe((start, count));

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=0-1,5-6", 1000)]
    [InlineData("items=0-1", 1000)]
    [InlineData("bytes=-0", 1000)]
    public void ParseRange_Unsatisfiable_IsNull(string header, long length) =>
        DownloadEndpoint.ParseRange(header, length).ShouldBeNull();
}
