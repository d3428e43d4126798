using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Magnific;

/// <summary>Maps a neutral job to Magnific's PixVerse V5.5 create body.</summary>
internal static class MagnificRequest
{
    /// <summary>Neutral aspect ratio to Magnific's enum names; unknown values pass through (the API rejects them).</summary>
    public static string AspectName(string aspectRatio) => aspectRatio switch
    {
        "16:9" => "widescreen_16_9",
        "4:3" => "classic_4_3",
        "1:1" => "square_1_1",
        "3:4" => "traditional_3_4",
        "9:16" => "social_story_9_16",
        _ => aspectRatio,
    };

    public static JsonObject Body(JobParameters p, Uri? webhookUrl)
    {
        // The spec gives no default resolution, so it is always sent.
        var body = new JsonObject
        {
            ["prompt"] = p.Prompt,
            ["image_url"] = p.ImageUrl,
            ["resolution"] = p.Resolution,
            ["aspect_ratio"] = AspectName(p.AspectRatio),
            ["duration"] = p.Duration,
        }
        .Optional("negative_prompt", p.NegativePrompt)
        .Optional("style", JsonBodies.RealStyle(p.Style))
        .Optional("seed", p.Seed)
        .Optional("camera_movement", p.CameraMovement)
        .Optional("generate_audio_switch", p.Audio)
        .Optional("generate_multi_clip_switch", p.MultiClip)
        .Optional("thinking_type", p.Thinking)
        .Optional("webhook_url", webhookUrl?.AbsoluteUri);
        JsonBodies.MergeExtra(body, p.Extra);
        return body;
    }
}
