using System.Text.Json;

namespace BatchGen.Core.Jobs;

/// <summary>
/// The provider-neutral request of one job, after defaults, templates and provider defaults are applied.
/// <see cref="Duration"/>, <see cref="Resolution"/> and <see cref="AspectRatio"/> are always resolved
/// (the provider's documented default when the manifest leaves them unset), so costs, estimates and
/// download verification never guess. Every other optional field is null when unset.
/// </summary>
public sealed record JobParameters
{
    public required string Prompt { get; init; }

    /// <summary>
    /// Absolute http/https URL of the first frame. Empty for a local image (<see cref="Image"/>) until the pipeline
    /// has uploaded it and sets the URL for the submit.
    /// </summary>
    public required string ImageUrl { get; init; }

    /// <summary>The first frame as a local file (<c>image:</c>), uploaded before the submit; null for <see cref="ImageUrl"/>.</summary>
    public Images.LocalImage? Image { get; init; }

    public string? NegativePrompt { get; init; }

    /// <summary>Seconds: 5, 8 or 10.</summary>
    public required int Duration { get; init; }

    /// <summary>360p, 540p, 720p or 1080p.</summary>
    public required string Resolution { get; init; }

    /// <summary>16:9, 4:3, 1:1, 3:4 or 9:16 (neutral spelling; adapters map to the wire names).</summary>
    public required string AspectRatio { get; init; }

    /// <summary>none, anime, 3d_animation, clay, comic or cyberpunk.</summary>
    public string? Style { get; init; }

    public long? Seed { get; init; }

    /// <summary>One of Magnific's camera movements.</summary>
    public string? CameraMovement { get; init; }

    /// <summary>Generate audio (Magnific/GMI/AI-ML API generate_audio_switch, Segmind sound_effect_switch).</summary>
    public bool? Audio { get; init; }

    public bool? MultiClip { get; init; }

    /// <summary>enabled, disabled or auto.</summary>
    public string? Thinking { get; init; }

    /// <summary>normal or fast.</summary>
    public string? MotionMode { get; init; }

    /// <summary>1..4 (Pixwith).</summary>
    public int? NumOutputs { get; init; }

    public bool? PromptOptimization { get; init; }

    public string? SoundEffectContent { get; init; }

    public string? LipSyncTtsContent { get; init; }

    public string? LipSyncTtsSpeakerId { get; init; }

    /// <summary>Passed to the provider's request body as is (top level of the provider payload). Keys sorted.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }
}
