using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Segmind;

/// <summary>Maps a neutral job to Segmind's <c>pixverse-5-video</c> body (the same for v1 sync and v2 async).</summary>
internal static class SegmindRequest
{
    public const string DefaultMotionMode = "normal";

    public static JsonObject Body(JobParameters p)
    {
        var body = new JsonObject
        {
            ["prompt"] = p.Prompt,
            ["image_url"] = p.ImageUrl,
            ["duration"] = p.Duration,
            ["quality"] = p.Resolution,
            ["motion_mode"] = p.MotionMode ?? DefaultMotionMode,
            ["aspect_ratio"] = p.AspectRatio,
            // Always explicit: the documented example defaults to true, the cost estimate assumes no audio unless asked.
            ["sound_effect_switch"] = p.Audio ?? false,
            ["lip_sync_switch"] = p.LipSyncTtsContent is not null,
        }
        .Optional("negative_prompt", p.NegativePrompt)
        .Optional("seed", p.Seed)
        .Optional("sound_effect_content", p.SoundEffectContent)
        .Optional("lip_sync_tts_content", p.LipSyncTtsContent)
        .Optional("lip_sync_tts_speaker_id", p.LipSyncTtsSpeakerId);

        // style is documented for v3.5 only and is not sent; Extra can still add it.
        JsonBodies.MergeExtra(body, p.Extra);
        return body;
    }
}
