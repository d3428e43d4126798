using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.AimlApi;

/// <summary>Maps a neutral job to AI/ML API's <c>/v2/video/generations</c> body.</summary>
internal static class AimlApiRequest
{
    public static JsonObject Body(JobParameters p, string model)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = p.Prompt,
            ["image_url"] = p.ImageUrl,
            ["resolution"] = p.Resolution,
            ["duration"] = p.Duration,
        }
        .Optional("negative_prompt", p.NegativePrompt)
        .Optional("style", JsonBodies.RealStyle(p.Style))
        .Optional("seed", p.Seed)
        .Optional("generate_audio_switch", p.Audio)
        .Optional("generate_multi_clip_switch", p.MultiClip)
        .Optional("thinking_type", p.Thinking);
        JsonBodies.MergeExtra(body, p.Extra);
        return body;
    }
}
