using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// GMI Cloud request queue: <c>POST /api/v1/ie/requestqueue/apikey/requests</c> with <c>{model, payload}</c> and
/// <c>GET .../requests/{request_id}</c>. Statuses queued, dispatched, processing, success, failed; results in
/// <c>outcome.media_urls[].url</c> and <c>outcome.video_url</c>; <c>outcome</c> null until success. <c>duration</c> is
/// accepted as a string (as the docs' example sends it) or a number.
/// </summary>
internal sealed class GmiCloudApi(ApiPipeline api)
{
    public const string Path = "/api/v1/ie/requestqueue/apikey/requests";
    private static readonly string[] DefaultModels = ["pixverse-v5.5-i2v"];
    private static readonly string[] Styles = ["none", .. Wire.Styles];

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost(Path, (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, c => ValueTask.FromResult(Submit(c))));
        group.MapGet(Path + "/{requestId}", (HttpContext http, string requestId) =>
            api.RunAsync(http, CallKind.Poll, _ => requestId, c => ValueTask.FromResult(Get(c, requestId))));
    }

    public static string StatusOf(SimTask task, DateTimeOffset now) => task.PhaseAt(now) switch
    {
        TaskPhase.Queued => now < task.CreatedAt + (task.QueueDelay * 0.7) ? "queued" : "dispatched",
        TaskPhase.Running => "processing",
        TaskPhase.Succeeded => "success",
        _ => "failed",
    };

    private SimReply Submit(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return api.Invalid(ctx, [new("body", "must be a JSON object")]);
        }

        var models = ctx.Provider.Scenario.Models ?? [.. DefaultModels];
        var top = new FieldRules(body);
        var model = top.Enum("model", models, required: true);
        var payloadElement = top.Element("payload", JsonValueKind.Object, required: true);
        var r = new FieldRules(payloadElement ?? default, "payload.");
        r.Url("image_url", required: true);
        var prompt = r.String("prompt", required: true);
        r.String("negative_prompt", required: false);
        var duration = r.IntEnum("duration", [5, 8, 10], required: true, allowString: true);
        var aspect = r.Enum("aspect_ratio", Wire.AspectRatios, required: true);
        var quality = r.Enum("quality", Wire.Resolutions, required: true);
        var style = r.Enum("style", Styles, required: false);
        r.Enum("thinking_type", Wire.ThinkingTypes, required: false);
        var audio = r.Bool("generate_audio_switch", required: false) ?? false;
        var multiClip = r.Bool("generate_multi_clip_switch", required: false) ?? false;
        var seed = r.Integer("seed", required: false, 0, 2147483647);
        if (duration == 10 && quality == "1080p")
        {
            r.Add("duration", "10s is unavailable at 1080p");
        }

        List<FieldProblem> problems = [.. top.Problems, .. payloadElement is null ? [] : r.Problems];
        if (problems.Count > 0)
        {
            return api.Invalid(ctx, problems);
        }

        var video = new VideoSpec(duration!.Value, quality!, aspect!) { Prompt = prompt, Seed = seed, Style = style };
        var id = Deterministic.Uuid(ctx.Provider.State.Seed, ctx.Provider.Name, ctx.DecisionKey, ctx.Occurrence);
        var ask = new TaskRequest(video) { Audio = audio, MultiClip = multiClip, Model = model, Payload = JsonNode.Parse(payloadElement!.Value.GetRawText()) };
        var (task, error) = api.CreateTask(ctx, ask, id);
        return task is null ? error! : SimReply.Ok(Body(task, ctx.Now));
    }

    private SimReply Get(RequestContext ctx, string requestId)
    {
        var task = ctx.Provider.Find(requestId);
        if (task is null || task.ApiKey != ctx.ApiKey)
        {
            return api.NotFound(ctx, $"request {requestId} not found");
        }

        return SimReply.Ok(Body(task, ctx.Now));
    }

    private JsonObject Body(SimTask task, DateTimeOffset now)
    {
        var phase = task.PhaseAt(now);
        var updated = phase switch
        {
            TaskPhase.Queued => task.CreatedAt,
            TaskPhase.Running => task.StartedAt,
            _ => task.FinishedAt,
        };
        JsonNode? outcome = null;
        if (phase == TaskPhase.Succeeded)
        {
            var media = new JsonArray();
            for (var i = 0; i < task.Outputs; i++)
            {
                media.Add(new JsonObject { ["id"] = $"{task.Id}-{i}", ["url"] = api.ResultUrl(task, i) });
            }

            outcome = new JsonObject { ["media_urls"] = media, ["video_url"] = api.ResultUrl(task, 0) };
        }

        var body = new JsonObject
        {
            ["request_id"] = task.Id,
            ["org_id"] = "simulator",
            ["model"] = task.Model,
            ["status"] = StatusOf(task, now),
            ["payload"] = task.Payload?.DeepClone(),
            ["outcome"] = outcome,
            ["created_at"] = task.CreatedAt.ToUnixTimeSeconds(),
            ["updated_at"] = updated.ToUnixTimeSeconds(),
        };
        if (phase == TaskPhase.Failed)
        {
            body["error"] = task.FailureMessage;
        }

        return body;
    }
}
