using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// Magnific PixVerse V5.5: <c>POST /v1/ai/image-to-video/pixverse-v5-5</c>, <c>GET .../{task-id}</c> and the list
/// <c>GET .../pixverse-v5-5</c>. Statuses CREATED, IN_PROGRESS, COMPLETED, FAILED; <c>generated</c> filled only when
/// COMPLETED; <c>webhook_url</c> gets a signed callback on every status change.
/// </summary>
internal sealed class MagnificApi(ApiPipeline api, MagnificWebhooks webhooks)
{
    public const string Path = "/v1/ai/image-to-video/pixverse-v5-5";

    private static readonly Dictionary<string, string> Aspects = new(StringComparer.Ordinal)
    {
        ["widescreen_16_9"] = "16:9",
        ["classic_4_3"] = "4:3",
        ["square_1_1"] = "1:1",
        ["traditional_3_4"] = "3:4",
        ["social_story_9_16"] = "9:16",
    };

    private static readonly string[] CameraMovements =
    [
        "horizontal_left", "horizontal_right", "vertical_up", "vertical_down", "zoom_in", "zoom_out", "crane_up",
        "quickly_zoom_in", "quickly_zoom_out", "smooth_zoom_in", "camera_rotation", "robo_arm", "super_dolly_out",
        "whip_pan", "hitchcock", "left_follow", "right_follow", "pan_left", "pan_right", "fix_bg",
    ];

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost(Path, (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, c => ValueTask.FromResult(Submit(c))));
        group.MapGet(Path + "/{taskId}", (HttpContext http, string taskId) =>
            api.RunAsync(http, CallKind.Poll, _ => taskId, c => ValueTask.FromResult(Get(c, taskId))));
        group.MapGet(Path, (HttpContext http) => api.RunAsync(http, CallKind.Other, null, c => ValueTask.FromResult(List(c))));
    }

    public static string StatusOf(TaskPhase phase) => phase switch
    {
        TaskPhase.Queued => "CREATED",
        TaskPhase.Running => "IN_PROGRESS",
        TaskPhase.Succeeded => "COMPLETED",
        _ => "FAILED",
    };

    /// <summary>The task object: <c>{"task_id","status","generated":[...]}</c> (the GET body's <c>data</c>, and the webhook body).</summary>
    public JsonObject TaskObject(SimTask task, TaskPhase phase)
    {
        var generated = new JsonArray();
        if (phase == TaskPhase.Succeeded)
        {
            for (var i = 0; i < task.Outputs; i++)
            {
                generated.Add(api.ResultUrl(task, i));
            }
        }

        return new JsonObject { ["generated"] = generated, ["task_id"] = task.Id, ["status"] = StatusOf(phase) };
    }

    private SimReply Submit(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return api.Invalid(ctx, [new("body", "must be a JSON object")]);
        }

        var r = new FieldRules(body);
        var prompt = r.String("prompt", required: true);
        r.String("image_url", required: true);
        var resolution = r.Enum("resolution", Wire.Resolutions, required: false);
        var aspect = r.Enum("aspect_ratio", [.. Aspects.Keys], required: false) ?? "widescreen_16_9";
        var duration = r.IntEnum("duration", [5, 8, 10], required: false) ?? 5;
        r.String("negative_prompt", required: false);
        var style = r.Enum("style", Wire.Styles, required: false);
        var seed = r.Integer("seed", required: false);
        r.Enum("camera_movement", CameraMovements, required: false);
        var audio = r.Bool("generate_audio_switch", required: false) ?? false;
        var multiClip = r.Bool("generate_multi_clip_switch", required: false) ?? false;
        r.Enum("thinking_type", Wire.ThinkingTypes, required: false);
        var webhook = r.Url("webhook_url", required: false);
        if (duration == 10 && resolution == "1080p")
        {
            r.Add("duration", "10s videos are only available up to 720p; 1080p videos are limited to 5 or 8 seconds");
        }

        if (r.Problems.Count > 0)
        {
            return api.Invalid(ctx, r.Problems);
        }

        var video = new VideoSpec(duration, resolution ?? "720p", Aspects[aspect]) { Prompt = prompt, Seed = seed, Style = style };
        var id = Deterministic.Uuid(ctx.Provider.State.Seed, ctx.Provider.Name, ctx.DecisionKey, ctx.Occurrence);
        var (task, error) = api.CreateTask(ctx, new TaskRequest(video) { Audio = audio, MultiClip = multiClip, WebhookUrl = webhook }, id);
        if (task is null)
        {
            return error!;
        }

        webhooks.Schedule(task, this);
        return SimReply.Ok(new JsonObject { ["data"] = TaskObject(task, task.PhaseAt(ctx.Now)) });
    }

    private SimReply Get(RequestContext ctx, string taskId)
    {
        var task = ctx.Provider.Find(taskId);
        if (task is null || task.ApiKey != ctx.ApiKey)
        {
            return api.NotFound(ctx, "Task not found");
        }

        return SimReply.Ok(new JsonObject { ["data"] = TaskObject(task, task.PhaseAt(ctx.Now)) });
    }

    private static SimReply List(RequestContext ctx)
    {
        var list = new JsonArray();
        foreach (var task in ctx.Provider.TasksOf(ctx.ApiKey))
        {
            list.Add(new JsonObject { ["task_id"] = task.Id, ["status"] = StatusOf(task.PhaseAt(ctx.Now)) });
        }

        return SimReply.Ok(new JsonObject { ["data"] = list });
    }
}
