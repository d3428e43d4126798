using System.Text.Json.Nodes;
using BatchGen.Core.Media;

namespace BatchGen.Simulator;

/// <summary>
/// What a task will produce: duration, resolution and the aspect ratio that sets the frame size, and the settings the
/// video shows (prompt, seed, style).
/// </summary>
internal sealed record VideoSpec(int DurationSeconds, string Resolution, string AspectRatio)
{
    public (int Width, int Height) FrameSize => Core.Media.FrameSize.For(Resolution, AspectRatio);

    /// <summary>The frame size actually produced: <see cref="FrameSize"/> unless the scenario imposes one.</summary>
    public (int Width, int Height)? FrameSizeOverride { get; init; }

    public (int Width, int Height) OutputFrameSize => FrameSizeOverride ?? FrameSize;

    public string? Prompt { get; init; }

    public long? Seed { get; init; }

    public string? Style { get; init; }
}

/// <summary>How a task ends, drawn once at submit from the seed.</summary>
internal enum TaskFate
{
    Succeed,
    Fail,
    Moderated,
    NeverFinish,
}

/// <summary>Where a task is at a given instant.</summary>
internal enum TaskPhase
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One accepted generation. Its whole life is fixed at submit (delays and fate), so its state at any instant is a pure
/// function of the clock: nothing runs in the background.
/// </summary>
internal sealed class SimTask
{
    private int polls;
    private int downloads;

    public required string Id { get; init; }

    public required string Provider { get; init; }

    public required string ApiKey { get; init; }

    public required VideoSpec Video { get; init; }

    public int Outputs { get; init; } = 1;

    public required DateTimeOffset CreatedAt { get; init; }

    public required TimeSpan QueueDelay { get; init; }

    public required TimeSpan GenerationDelay { get; init; }

    public required TaskFate Fate { get; init; }

    public decimal Price { get; init; }

    /// <summary>The key's reported balance right after this task was charged (Segmind's <c>x-remaining-credits</c>).</summary>
    public decimal BalanceAfterCharge { get; set; }

    public string? Model { get; init; }

    public string? WebhookUrl { get; init; }

    /// <summary>The request payload as received (GMI Cloud echoes it).</summary>
    public JsonNode? Payload { get; init; }

    /// <summary>Order of creation within its provider.</summary>
    public long Sequence { get; init; }

    /// <summary>Outputs whose result URL is already expired when delivered (fault injection), by index.</summary>
    public IReadOnlySet<int> ExpiredOutputs { get; init; } = new HashSet<int>();

    public DateTimeOffset StartedAt => CreatedAt + QueueDelay;

    public DateTimeOffset FinishedAt => StartedAt + GenerationDelay;

    public int NextPoll() => Interlocked.Increment(ref polls);

    public int NextDownload() => Interlocked.Increment(ref downloads);

    public TaskPhase PhaseAt(DateTimeOffset now)
    {
        if (now < StartedAt)
        {
            return TaskPhase.Queued;
        }

        if (now < FinishedAt || Fate == TaskFate.NeverFinish)
        {
            return TaskPhase.Running;
        }

        return Fate == TaskFate.Succeed ? TaskPhase.Succeeded : TaskPhase.Failed;
    }

    public bool IsActiveAt(DateTimeOffset now) => PhaseAt(now) is TaskPhase.Queued or TaskPhase.Running;

    /// <summary>The reason given for a failed task.</summary>
    public string FailureMessage => Fate == TaskFate.Moderated
        ? "The content was rejected by the moderation system (sensitive content detected)."
        : "Video generation failed. Please try again.";
}
