using BatchGen.Core.Providers.Capabilities;

namespace BatchGen.Tests.Providers.Capabilities;

public sealed class ProviderCapabilitiesTests
{
    [Theory]
    [InlineData("magnific", "camera_movement", true)]
    [InlineData("gmicloud", "camera_movement", false)]
    [InlineData("aimlapi", "aspect_ratio", false)]
    [InlineData("aimlapi", "thinking", true)]
    [InlineData("pixwith", "num_outputs", true)]
    [InlineData("pixwith", "seed", false)]
    [InlineData("pixwith", "negative_prompt", false)]
    [InlineData("segmind", "motion_mode", true)]
    [InlineData("segmind", "style", false)]
    [InlineData("segmind", "lip_sync_tts_speaker_id", true)]
    [InlineData("magnific", "num_outputs", false)]
    public void AcceptedFields_FromProviderDocs(string provider, string field, bool accepted)
    {
        ProviderCapabilities.AcceptedFields(provider).Contains(field).ShouldBe(accepted);
    }

    [Theory]
    [InlineData("magnific", 10, "720p", null, true)]
    [InlineData("magnific", 10, "1080p", null, false)]
    [InlineData("magnific", 8, "1080p", null, true)]
    [InlineData("gmicloud", 10, "1080p", null, false)]
    [InlineData("aimlapi", 8, "1080p", null, false)]
    [InlineData("aimlapi", 5, "1080p", null, true)]
    [InlineData("aimlapi", 10, "540p", null, true)]
    [InlineData("pixwith", 10, "540p", null, false)]
    [InlineData("pixwith", 8, "720p", null, true)]
    [InlineData("segmind", 8, "1080p", null, false)]
    [InlineData("segmind", 5, "1080p", "fast", false)]
    [InlineData("segmind", 8, "540p", "fast", false)]
    [InlineData("segmind", 5, "720p", "fast", true)]
    [InlineData("segmind", 8, "720p", "normal", true)]
    public void CheckTiming_DurationResolutionMotion(string provider, int duration, string resolution, string? motion, bool allowed)
    {
        (ProviderCapabilities.CheckTiming(provider, duration, resolution, motion) is null).ShouldBe(allowed);
    }
}
