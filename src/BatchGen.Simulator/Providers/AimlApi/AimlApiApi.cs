using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// AI/ML API: <c>POST /v2/video/generations</c> and <c>GET /v2/video/generations?generation_id=</c>. Both model ids its
/// page uses are accepted. Statuses queued, generating, completed, error (or waiting/succeeded with
/// <c>status_spelling: sample</c>); <c>video.url</c>, <c>meta.usage.credits_used</c>. A never-finishing task answers 504
/// "Generation timeout" once its timeout has passed.
/// </summary>
internal sealed class AimlApiApi(ApiPipeline api)
{
    public const string Path = "/v2/video/generations";
    private static readonly string[] DefaultModels = ["pixverse/v5.5/image-to-video", "pixverse/v5-5-image-to-video"];
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost(Path, (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, c => ValueTask.FromResult(Submit(c))));
        group.MapGet(Path, (HttpContext http) => api.RunAsync(
            http,
            CallKind.Poll,
            c => c.Http.Request.Query["generation_id"].ToString(),
            c => ValueTask.FromResult(Get(c))));
    }

    private static string NanoId(ProviderRuntime provider, string subject, long number)
    {
        var chars = new char[21];
        var h = Deterministic.Hash(provider.State.Seed, provider.Name, subject, number, "nanoid-a");
        var h2 = Deterministic.Hash(provider.State.Seed, provider.Name, subject, number, "nanoid-b");
        for (var i = 0; i < 21; i++)
        {
            var source = i < 10 ? h >> (6 * i) : h2 >> (6 * (i - 10));
            chars[i] = Alphabet[(int)(source & 63)];
        }

        return new string(chars);
    }

    private string StatusOf(SimTask task, TaskPhase phase)
    {
        var sample = api.Provider.Scenario.StatusSpelling == StatusSpellings.Sample;
        return phase switch
        {
            TaskPhase.Queued => sample ? "waiting" : "queued",
            TaskPhase.Running => "generating",
            TaskPhase.Succeeded => sample ? "succeeded" : "completed",
            _ => "error",
        };
    }

    private SimReply Submit(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return api.Invalid(ctx, [new("body", "Expected object, received " + (ctx.Body.Length == 0 ? "undefined" : "invalid JSON"))]);
        }

        var r = new FieldRules(body);
        var model = r.Enum("model", ctx.Provider.Scenario.Models ?? [.. DefaultModels], required: true);
        var prompt = r.String("prompt", required: true);
        r.Url("image_url", required: true);
        var resolution = r.Enum("resolution", Wire.Resolutions, required: false) ?? "720p";
        var duration = r.IntEnum("duration", [5, 8, 10], required: false) ?? 5;
        r.String("negative_prompt", required: false);
        var style = r.Enum("style", Wire.Styles, required: false);
        var seed = r.Integer("seed", required: false);
        var audio = r.Bool("generate_audio_switch", required: false) ?? false;
        var multiClip = r.Bool("generate_multi_clip_switch", required: false) ?? false;
        r.Enum("thinking_type", Wire.ThinkingTypes, required: false);
        if (resolution == "1080p" && duration != 5)
        {
            r.Add("duration", $"the 1080p quality option does not support {duration}-second videos");
        }

        if (r.Problems.Count > 0)
        {
            return api.Invalid(ctx, r.Problems);
        }

        // The model page shows 864x1280 for its 720p example (a portrait source image); the simulator uses 16:9.
        var video = new VideoSpec(duration, resolution, "16:9") { Prompt = prompt, Seed = seed, Style = style };
        var id = NanoId(ctx.Provider, ctx.DecisionKey, ctx.Occurrence);
        var (task, error) = api.CreateTask(ctx, new TaskRequest(video) { Audio = audio, MultiClip = multiClip, Model = model }, id);
        return task is null ? error! : SimReply.Ok(Body(task, ctx.Now));
    }

    private SimReply Get(RequestContext ctx)
    {
        var id = ctx.Http.Request.Query["generation_id"].ToString();
        if (id.Length == 0)
        {
            return api.Invalid(ctx, [new("generation_id", "Required")]);
        }

        var task = ctx.Provider.Find(id);
        if (task is null || task.ApiKey != ctx.ApiKey)
        {
            return api.NotFound(ctx, "Generation not found");
        }

        var faults = ctx.Provider.Scenario.Faults;
        if (task.Fate == TaskFate.NeverFinish && ctx.Now >= task.CreatedAt + ctx.Provider.State.Scaled(faults.GenerationTimeoutSeconds))
        {
            return api.Dialect.Error(ctx.Http, ctx.Now, SimError.Timeout504);
        }

        return SimReply.Ok(Body(task, ctx.Now));
    }

    private JsonObject Body(SimTask task, DateTimeOffset now)
    {
        var phase = task.PhaseAt(now);
        return new JsonObject
        {
            ["id"] = task.Id,
            ["status"] = StatusOf(task, phase),
            ["video"] = phase == TaskPhase.Succeeded ? new JsonObject { ["url"] = api.ResultUrl(task, 0) } : null,
            ["error"] = phase == TaskPhase.Failed
                ? new JsonObject { ["name"] = task.Fate == TaskFate.Moderated ? "ModerationError" : "GenerationError", ["message"] = task.FailureMessage }
                : null,
            ["meta"] = phase == TaskPhase.Succeeded
                ? new JsonObject { ["usage"] = new JsonObject { ["credits_used"] = task.Price } }
                : null,
        };
    }
}
