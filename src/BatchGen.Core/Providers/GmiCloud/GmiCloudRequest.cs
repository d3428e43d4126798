using System.Globalization;
using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.GmiCloud;

/// <summary>Maps a neutral job to GMI Cloud's request-queue envelope <c>{model, payload}</c>.</summary>
internal static class GmiCloudRequest
{
    public static JsonObject Body(JobParameters p, string model)
    {
        var payload = new JsonObject
        {
            ["image_url"] = p.ImageUrl,
            ["prompt"] = p.Prompt,
            // The documented example sends the duration as a string.
            ["duration"] = p.Duration.ToString(CultureInfo.InvariantCulture),
            ["aspect_ratio"] = p.AspectRatio,
            ["quality"] = p.Resolution,
        }
        .Optional("negative_prompt", p.NegativePrompt)
        // GMI documents "none" as a real style value, so it is passed through.
        .Optional("style", string.IsNullOrEmpty(p.Style) ? null : p.Style)
        .Optional("seed", p.Seed)
        .Optional("thinking_type", p.Thinking)
        .Optional("generate_audio_switch", p.Audio)
        .Optional("generate_multi_clip_switch", p.MultiClip);

        // Extra goes into the payload: that is where GMI reads model parameters.
        JsonBodies.MergeExtra(payload, p.Extra);
        return new JsonObject { ["model"] = model, ["payload"] = payload };
    }
}
