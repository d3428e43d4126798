using BatchGen.Simulator;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>A real, playable H.264 MP4 of a given duration and frame size, made by the simulator's encoder.</summary>
internal static class TinyMp4
{
    public static byte[] Create(TimeSpan duration, int width, int height, string label = "test") =>
        VideoContent.Create(
            width,
            height,
            (int)Math.Round(duration.TotalSeconds),
            0,
            new VideoLabel("test", label, 1, "anime", label),
            $"integration-test|{label}").ToArray();
}
