using System.Security.Cryptography;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator.Video;

/// <summary>
/// The simulator's real-mode videos keep their exact bytes across changes to how they are drawn (a resumed download,
/// a re-run's check and the recorded SHA-256 of earlier runs all rely on the same task giving the same file). The
/// hashes were taken from the drawing code before the background cache.
/// </summary>
public sealed class SyntheticVideoBytesTests
{
    [Theory]
    [InlineData("magnific", 42L, "anime", "1f3a9c20-task", "6ca3e6c39eec840af0decf2bbd14f3f4732de8176ab15eedb92d54cf43ef246e")]
    [InlineData("magnific", 42L, "anime", "7be5d411-task", "71bd8507a5f08fff44851364941854e2d3e65a46686f9fa360291f2fbbe2b026")]
    [InlineData("aimlapi", null, null, "c0ffee42-task", "1189c6f2dff74bd5e5a3d4b069f781b2716864cd32c2e52d8d1ac7a723b12a69")]
    [InlineData("aimlapi", null, null, "9d8e7f60-task", "227910737ebc515a6b24b0a91c3fe4e467ec2b2e0a9f5406f50f2f888135030d")]
    public void Create_SameTask_SameBytesAsBefore(string provider, long? seed, string? style, string taskId, string sha256)
    {
        var label = new VideoLabel(provider, "a lighthouse at dawn, slow pan", seed, style, taskId);
        var minimum = VideoContent.MinimumBytes(640, 360, 5, 1500);

        var bytes = VideoContent.Create(640, 360, 5, minimum, label, $"bytes|{taskId}").ToArray();

        Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(sha256);
    }
}
