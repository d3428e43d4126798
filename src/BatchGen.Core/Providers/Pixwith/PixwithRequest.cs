using System.Text.Json.Nodes;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Pixwith;

/// <summary>Maps a neutral job to Pixwith's <c>/api/task/create</c> body. Every option is required, so each is sent.</summary>
internal static class PixwithRequest
{
    public static JsonObject Body(JobParameters p, string modelId)
    {
        var body = new JsonObject
        {
            ["prompt"] = p.Prompt,
            ["image_urls"] = new JsonArray(p.ImageUrl),
            ["model_id"] = modelId,
            ["options"] = new JsonObject
            {
                ["prompt_optimization"] = p.PromptOptimization ?? false,
                ["num_outputs"] = p.NumOutputs ?? 1,
                ["resolution"] = p.Resolution,
                ["aspect_ratio"] = p.AspectRatio,
                ["duration"] = p.Duration,
            },
        };

        // Extra keys go to the top level (an "options" key replaces the whole options object).
        JsonBodies.MergeExtra(body, p.Extra);
        return body;
    }
}
