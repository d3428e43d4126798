using System.Text.Json.Nodes;

namespace BatchGen.Simulator;

/// <summary>What a submit asks for, once validated: enough to plan, price and create the task.</summary>
internal sealed record TaskRequest(VideoSpec Video)
{
    public int Outputs { get; init; } = 1;

    public bool Audio { get; init; }

    public bool MultiClip { get; init; }

    public string? Model { get; init; }

    public string? WebhookUrl { get; init; }

    public JsonNode? Payload { get; init; }
}

/// <summary>Draws a task's delays and fate from the seed, its provider and its submit identity.</summary>
internal static class TaskPlanner
{
    public static SimTask Plan(ProviderRuntime provider, RequestContext request, TaskRequest ask, string id, decimal price)
    {
        var state = provider.State;
        var s = provider.Scenario;
        var subject = request.DecisionKey;
        var n = request.Occurrence;
        double U(string purpose) => Deterministic.Unit(state.Seed, provider.Name, subject, n, purpose);

        var l = s.Latency;
        var queue = l.QueueMinSeconds + ((l.QueueMaxSeconds - l.QueueMinSeconds) * U("queue"));
        var factor = l.ResolutionFactors.TryGetValue(ask.Video.Resolution, out var f) ? f : 1.0;
        var generation = (l.GenerationBaseSeconds + (l.GenerationPerVideoSecond * ask.Video.DurationSeconds)) * factor;
        generation *= 1 + (l.Jitter * ((2 * U("generation")) - 1));

        var faults = s.Faults;
        var fateDraw = U("fate");
        var fate = fateDraw < faults.TaskFailed ? TaskFate.Fail
            : fateDraw < faults.TaskFailed + faults.TaskModeration ? TaskFate.Moderated
            : fateDraw < faults.TaskFailed + faults.TaskModeration + faults.TaskNeverFinishes ? TaskFate.NeverFinish
            : TaskFate.Succeed;

        var expired = new HashSet<int>();
        for (var i = 0; i < ask.Outputs; i++)
        {
            if (Deterministic.Unit(state.Seed, provider.Name, subject, (n * 16) + i, "expired-url") < faults.ExpiredUrl)
            {
                expired.Add(i);
            }
        }

        return new SimTask
        {
            Id = id,
            Provider = provider.Name,
            ApiKey = request.ApiKey,
            Video = ask.Video,
            Outputs = ask.Outputs,
            CreatedAt = request.Now,
            QueueDelay = state.Scaled(queue),
            GenerationDelay = state.Scaled(Math.Max(0, generation)),
            Fate = fate,
            Price = price,
            Model = ask.Model,
            WebhookUrl = ask.WebhookUrl,
            Payload = ask.Payload,
            Sequence = provider.NextTaskSequence(),
            ExpiredOutputs = expired,
        };
    }
}
