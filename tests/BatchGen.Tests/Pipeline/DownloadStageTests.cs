using BatchGen.Core.Pipeline;

namespace BatchGen.Tests.Pipeline;

public sealed class DownloadStageTests
{
    [Theory]
    [InlineData("clips/take-1.mp4", 2, "clips/take-1-2.mp4")]
    [InlineData("take.final.mp4", 3, "take.final-3.mp4")]
    [InlineData("v1.0/clip", 2, "v1.0/clip-2")] // the dot is in a folder name: no extension
    [InlineData("clip", 4, "clip-4")]
    public void ExtraOutputPath_Cases_NumberGoesBeforeTheExtension(string path, int index, string expected) =>
        JobOutputs.ExtraPath(path, index).ShouldBe(expected);
}
