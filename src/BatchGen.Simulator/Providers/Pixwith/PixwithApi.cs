using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// Pixwith PixVerse V5 (<c>model_id "2-27"</c>): <c>POST /api/task/create</c> (answers <c>task_id</c> and
/// <c>estimated_time</c> in seconds), <c>POST /api/task/get</c> (<c>data.status</c> 1 processing, 2 completed, 3 failed;
/// <c>result_urls</c> one per <c>num_outputs</c>), <c>POST /api/task/get_credits</c>.
/// </summary>
internal sealed class PixwithApi(ApiPipeline api)
{
    private static readonly string[] DefaultModels = ["2-27"];

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/api/task/create", (HttpContext http) => api.RunAsync(http, CallKind.Submit, null, c => ValueTask.FromResult(Create(c))));
        group.MapPost("/api/task/get", (HttpContext http) => api.RunAsync(http, CallKind.Poll, TaskIdOf, c => ValueTask.FromResult(Get(c))));
        group.MapPost("/api/task/pre_url", (HttpContext http) => api.RunAsync(http, CallKind.Other, null, c => ValueTask.FromResult(PreUrl(c))));
        group.MapPost("/api/task/get_credits", (HttpContext http) => api.RunAsync(http, CallKind.Other, null, c => ValueTask.FromResult(Credits(c))));
    }

    private static string? TaskIdOf(RequestContext ctx) =>
        ctx.Json is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("task_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private SimReply Create(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return api.Invalid(ctx, [new("body", "must be a JSON object")]);
        }

        var top = new FieldRules(body);
        var prompt = top.String("prompt", required: true);
        top.Enum("model_id", ctx.Provider.Scenario.Models ?? [.. DefaultModels], required: true);
        if (top.Element("image_urls", JsonValueKind.Array, required: false) is { } images)
        {
            if (images.GetArrayLength() != 1)
            {
                top.Add("image_urls", $"provide exactly 1 image, got {images.GetArrayLength()}");
            }
            else if (images[0].ValueKind != JsonValueKind.String || !FieldRules.IsHttpUrl(images[0].GetString()!))
            {
                top.Add("image_urls", "Invalid image url");
            }
        }

        var optionsElement = top.Element("options", JsonValueKind.Object, required: true);
        var o = new FieldRules(optionsElement ?? default, "options.");
        o.Bool("prompt_optimization", required: true);
        var outputs = o.Integer("num_outputs", required: true, 1, 4);
        var resolution = o.Enum("resolution", Wire.Resolutions, required: true);
        var aspect = o.Enum("aspect_ratio", Wire.AspectRatios, required: true);
        var duration = o.IntEnum("duration", [5, 8], required: true);
        if (resolution == "1080p" && duration == 8)
        {
            o.Add("duration", "1080p supports 5 seconds only");
        }

        List<FieldProblem> problems = [.. top.Problems, .. optionsElement is null ? [] : o.Problems];
        if (problems.Count > 0)
        {
            return api.Invalid(ctx, problems);
        }

        var video = new VideoSpec(duration!.Value, resolution!, aspect!) { Prompt = prompt };
        var id = Deterministic.Hex(ctx.Provider.State.Seed, ctx.Provider.Name, ctx.DecisionKey, ctx.Occurrence, 16);
        var (task, error) = api.CreateTask(ctx, new TaskRequest(video) { Outputs = (int)outputs!.Value }, id);
        if (task is null)
        {
            return error!;
        }

        var estimate = Math.Max(1, (int)Math.Ceiling((task.FinishedAt - task.CreatedAt).TotalSeconds));
        return SimReply.Ok(PixwithDialect.Envelope(1, "success", new JsonObject { ["task_id"] = task.Id, ["estimated_time"] = estimate }));
    }

    private SimReply Get(RequestContext ctx)
    {
        var id = TaskIdOf(ctx);
        if (string.IsNullOrEmpty(id))
        {
            return api.Invalid(ctx, [new("task_id", "is required")]);
        }

        var task = ctx.Provider.Find(id);
        if (task is null || task.ApiKey != ctx.ApiKey)
        {
            return api.NotFound(ctx, "Task not found");
        }

        var phase = task.PhaseAt(ctx.Now);
        var urls = new JsonArray();
        if (phase == TaskPhase.Succeeded)
        {
            for (var i = 0; i < task.Outputs; i++)
            {
                urls.Add(api.ResultUrl(task, i));
            }
        }

        var status = phase switch
        {
            TaskPhase.Succeeded => 2,
            TaskPhase.Failed => 3,
            _ => 1,
        };
        return SimReply.Ok(PixwithDialect.Envelope(1, "success", new JsonObject { ["task_id"] = task.Id, ["status"] = status, ["result_urls"] = urls }));
    }

    /// <summary>
    /// <c>{image_name, content_type}</c> (image/jpeg or image/png) -> <c>data.upload_url{url, fields}</c>, a form for
    /// the simulator's upload endpoint valid 10 minutes, and <c>data.image_url</c>, where the image will be served.
    /// </summary>
    private SimReply PreUrl(RequestContext ctx)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return api.Invalid(ctx, [new("body", "must be a JSON object")]);
        }

        var rules = new FieldRules(body);
        var name = rules.String("image_name", required: true);
        var type = rules.String("content_type", required: true);
        if (type is not null and not ("image/jpeg" or "image/png"))
        {
            rules.Add("content_type", "Invalid image format");
        }

        if (name is not null && (name.Length > 200 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)))
        {
            rules.Add("image_name", "must be a plain file name");
        }

        if (rules.Problems.Count > 0)
        {
            return api.Invalid(ctx, rules.Problems);
        }

        var state = ctx.Provider.State;
        var fields = state.Images.Issue(name!, type!, ctx.Now + TimeSpan.FromMinutes(10));
        var form = new JsonObject();
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }

        return SimReply.Ok(PixwithDialect.Envelope(1, "success", new JsonObject
        {
            ["upload_url"] = new JsonObject { ["url"] = state.PublicOrigin + ImageEndpoints.UploadPath, ["fields"] = form },
            ["image_url"] = $"{state.PublicOrigin}{ImageEndpoints.CdnPath}{fields["key"]}",
        }));
    }

    private static SimReply Credits(RequestContext ctx)
    {
        var balance = ctx.Provider.Account(ctx.ApiKey).Balance ?? 1_000_000m;
        return SimReply.Ok(PixwithDialect.Envelope(1, "success", new JsonObject { ["credits"] = balance }));
    }
}
