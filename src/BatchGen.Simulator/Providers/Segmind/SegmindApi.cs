using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// Segmind PixVerse V5: sync <c>POST /v1/pixverse-5-video</c> (holds the request for the whole generation, then answers
/// the raw MP4 with <c>x-remaining-credits</c>, <c>x-rate-limit-remaining</c>, <c>x-generation-time</c>,
/// <c>x-output-metadata</c>), async <c>POST /v2/pixverse-5-video</c> + <c>GET /v2/requests/{id}/status</c> +
/// <c>GET /v2/requests/{id}</c> (also <c>/v1/requests/{id}</c>, the <c>poll_url</c>), kept for the retention time
/// after submission, then 404. Also <c>GET /v1/get-user-credits</c>.
/// </summary>
internal sealed class SegmindApi(ApiPipeline api)
{
    private const string Model = "pixverse-5-video";

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/v1/" + Model, (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, SyncAsync));
        group.MapPost("/v2/" + Model, (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, c => ValueTask.FromResult(Submit(c))));
        group.MapGet("/v2/requests/{id}/status", (HttpContext http, string id) =>
            api.RunAsync(http, CallKind.Poll, _ => id, c => ValueTask.FromResult(Status(c, id))));
        group.MapGet("/v2/requests/{id}", (HttpContext http, string id) =>
            api.RunAsync(http, CallKind.Poll, _ => id, c => ValueTask.FromResult(Result(c, id))));
        group.MapGet("/v1/requests/{id}", (HttpContext http, string id) =>
            api.RunAsync(http, CallKind.Poll, _ => id, c => ValueTask.FromResult(Result(c, id))));
        group.MapGet("/v1/get-user-credits", (HttpContext http) => api.RunAsync(http, CallKind.Other, null, c =>
            ValueTask.FromResult(SimReply.Ok(new JsonObject { ["credits"] = Balance(c), ["free-credits"] = 0 }))));
    }

    private static string StatusOf(TaskPhase phase) => phase switch
    {
        TaskPhase.Queued => "QUEUED",
        TaskPhase.Running => "PROCESSING",
        TaskPhase.Succeeded => "COMPLETED",
        _ => "FAILED",
    };

    private static decimal Balance(RequestContext ctx) => ctx.Provider.Account(ctx.ApiKey).ReportedBalance;

    /// <summary>Replies to a submit report the balance right after that task's own charge, whatever ran since.</summary>
    private static string BalanceAfter(SimTask task) => task.BalanceAfterCharge.ToString(CultureInfo.InvariantCulture);

    private (SimTask? Task, SimReply? Error) Create(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return (null, api.Invalid(ctx, [new("body", "must be a JSON object")]));
        }

        var r = new FieldRules(body);
        var duration = r.IntEnum("duration", [5, 8], required: true);
        var motion = r.Enum("motion_mode", ["normal", "fast"], required: true);
        var prompt = r.String("prompt", required: true);
        var quality = r.Enum("quality", Wire.Resolutions, required: true);
        var aspect = r.Enum("aspect_ratio", Wire.AspectRatios, required: false) ?? "16:9";
        r.Url("image_url", required: false);
        r.String("negative_prompt", required: false);
        var seed = r.Integer("seed", required: false);
        var sound = r.Bool("sound_effect_switch", required: false) ?? false;
        r.String("sound_effect_content", required: false);
        r.Bool("lip_sync_switch", required: false);
        r.String("lip_sync_tts_content", required: false);
        r.Enum("lip_sync_tts_speaker_id", ["auto", "1", "2", "3", "4", "5", "6", "7", "8", "9"], required: false);
        var style = r.Enum("style", Wire.Styles, required: false);
        if (motion == "fast" && duration == 8)
        {
            r.Add("motion_mode", "fast is only available when duration=5");
        }

        if (motion == "fast" && quality == "1080p")
        {
            r.Add("motion_mode", "1080p does not support fast");
        }

        if (quality == "1080p" && duration == 8)
        {
            r.Add("duration", "only 5 is allowed for 1080p quality");
        }

        if (r.Problems.Count > 0)
        {
            return (null, api.Invalid(ctx, r.Problems));
        }

        // The real service follows the image's aspect ratio when an image is given; the simulator keeps the requested one.
        var video = new VideoSpec(duration!.Value, quality!, aspect) { Prompt = prompt, Seed = seed, Style = style };
        var id = Deterministic.Uuid(ctx.Provider.State.Seed, ctx.Provider.Name, ctx.DecisionKey, ctx.Occurrence);
        return api.CreateTask(ctx, new TaskRequest(video) { Audio = sound }, id);
    }

    private SimReply Submit(RequestContext ctx)
    {
        var (task, error) = Create(ctx);
        if (task is null)
        {
            return error!;
        }

        var origin = $"{ctx.Provider.State.PublicOrigin}/segmind";
        var reply = SimReply.Ok(new JsonObject
        {
            ["request_id"] = task.Id,
            ["status"] = "QUEUED",
            ["poll_url"] = $"{origin}/v1/requests/{task.Id}",
            ["status_url"] = $"{origin}/v2/requests/{task.Id}/status",
            ["response_url"] = $"{origin}/v2/requests/{task.Id}",
        });
        reply.Headers["x-remaining-credits"] = BalanceAfter(task);
        return reply;
    }

    private async ValueTask<SimReply> SyncAsync(RequestContext ctx)
    {
        var (task, error) = Create(ctx);
        if (task is null)
        {
            return error!;
        }

        var time = ctx.Provider.State.Time;
        try
        {
            var wait = task.Fate == TaskFate.NeverFinish ? Timeout.InfiniteTimeSpan : task.FinishedAt - ctx.Provider.State.Now;
            if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ctx.Http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return new SimReply { Status = 499, Text = string.Empty };
        }

        if (task.Fate != TaskFate.Succeed)
        {
            return task.Fate == TaskFate.Moderated
                ? SimReply.Of(400, new JsonObject { ["error"] = task.FailureMessage })
                : SimReply.Of(500, new JsonObject { ["error"] = task.FailureMessage });
        }

        var content = VideoContent.For(ctx.Provider, task, 0);
        var (w, h) = task.Video.OutputFrameSize;
        var reply = new SimReply
        {
            Writer = async (http, ct) =>
            {
                http.Response.ContentType = "video/mp4";
                http.Response.ContentLength = content.Length;
                await content.WriteAsync(http.Response.Body, 0, content.Length, ct).ConfigureAwait(false);
                ctx.Provider.Counters.Count(Counter.DownloadedBytes, content.Length);
            },
        };
        reply.Headers["x-remaining-credits"] = BalanceAfter(task);
        if (ctx.Provider.Account(ctx.ApiKey).RateRemaining is { } remaining)
        {
            reply.Headers["x-rate-limit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        reply.Headers["x-generation-time"] = task.GenerationDelay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        reply.Headers["x-output-metadata"] = new JsonObject { ["duration"] = task.Video.DurationSeconds, ["width"] = w, ["height"] = h }.ToJsonString();
        return reply;
    }

    private SimTask? Live(RequestContext ctx, string id, out SimReply? error)
    {
        error = null;
        var task = ctx.Provider.Find(id);
        if (task is null || task.ApiKey != ctx.ApiKey)
        {
            error = api.NotFound(ctx, "Request not found");
            return null;
        }

        if (ctx.Now >= task.CreatedAt + ctx.Provider.State.Scaled(ctx.Provider.Scenario.RetentionSeconds))
        {
            ctx.Provider.Counters.Count(Counter.ExpiredResult);
            error = api.NotFound(ctx, "Request not found or expired (results are kept for 1 hour)");
            return null;
        }

        return task;
    }

    private SimReply Status(RequestContext ctx, string id)
    {
        var task = Live(ctx, id, out var error);
        if (task is null)
        {
            return error!;
        }

        var phase = task.PhaseAt(ctx.Now);
        var origin = $"{ctx.Provider.State.PublicOrigin}/segmind";
        var body = new JsonObject { ["status"] = StatusOf(phase), ["request_id"] = task.Id };
        if (phase is TaskPhase.Queued or TaskPhase.Running)
        {
            body["status_url"] = $"{origin}/v2/requests/{task.Id}/status";
            body["response_url"] = $"{origin}/v2/requests/{task.Id}";
            body["metrics"] = new JsonObject();
        }
        else
        {
            body["metrics"] = new JsonObject { ["inference_time"] = Math.Round(task.GenerationDelay.TotalSeconds, 2) };
            if (phase == TaskPhase.Failed)
            {
                body["error"] = task.FailureMessage;
            }
        }

        return SimReply.Ok(body);
    }

    private SimReply Result(RequestContext ctx, string id)
    {
        var task = Live(ctx, id, out var error);
        if (task is null)
        {
            return error!;
        }

        var phase = task.PhaseAt(ctx.Now);
        var done = phase is TaskPhase.Succeeded or TaskPhase.Failed;
        return SimReply.Ok(new JsonObject
        {
            ["request_id"] = task.Id,
            ["status"] = StatusOf(phase),
            ["output"] = phase == TaskPhase.Succeeded ? api.ResultUrl(task, 0) : null,
            ["error"] = phase == TaskPhase.Failed ? task.FailureMessage : null,
            ["metrics"] = done ? new JsonObject { ["inference_time"] = Math.Round(task.GenerationDelay.TotalSeconds, 2) } : new JsonObject(),
        });
    }
}
