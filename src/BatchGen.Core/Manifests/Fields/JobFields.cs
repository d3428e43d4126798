using BatchGen.Core.Jobs;

namespace BatchGen.Core.Manifests.Fields;

/// <summary>The provider-neutral job fields of manifest version 1, in a fixed order (their combination slots).</summary>
internal static class JobFields
{
    public const int Provider = 0;
    public const int Prompt = 1;
    public const int ImageUrl = 2;
    public const int NegativePrompt = 3;
    public const int Duration = 4;
    public const int Resolution = 5;
    public const int AspectRatio = 6;
    public const int Style = 7;
    public const int Seed = 8;
    public const int CameraMovement = 9;
    public const int Audio = 10;
    public const int MultiClip = 11;
    public const int Thinking = 12;
    public const int MotionMode = 13;
    public const int NumOutputs = 14;
    public const int PromptOptimization = 15;
    public const int SoundEffectContent = 16;
    public const int LipSyncTtsContent = 17;
    public const int LipSyncTtsSpeakerId = 18;
    public const int Extra = 19;
    public const int Image = 20;

    public static IReadOnlyList<string> CameraMovements { get; } =
    [
        "horizontal_left", "horizontal_right", "vertical_up", "vertical_down", "zoom_in", "zoom_out", "crane_up",
        "quickly_zoom_in", "quickly_zoom_out", "smooth_zoom_in", "camera_rotation", "robo_arm", "super_dolly_out",
        "whip_pan", "hitchcock", "left_follow", "right_follow", "pan_left", "pan_right", "fix_bg",
    ];

    public static IReadOnlyList<FieldInfo> All { get; } =
    [
        new(Provider, "provider", FieldKind.Enum) { Allowed = ProviderNames.All },
        new(Prompt, "prompt", FieldKind.Template),
        new(ImageUrl, "image_url", FieldKind.Template),
        new(NegativePrompt, "negative_prompt", FieldKind.Template),
        new(Duration, "duration", FieldKind.Integer) { Allowed = ["5", "8", "10"] },
        new(Resolution, "resolution", FieldKind.Enum) { Allowed = ["360p", "540p", "720p", "1080p"] },
        new(AspectRatio, "aspect_ratio", FieldKind.Enum) { Allowed = ["16:9", "4:3", "1:1", "3:4", "9:16"] },
        new(Style, "style", FieldKind.Enum) { Allowed = ["none", "anime", "3d_animation", "clay", "comic", "cyberpunk"] },
        new(Seed, "seed", FieldKind.Integer) { Min = 0, Max = int.MaxValue },
        new(CameraMovement, "camera_movement", FieldKind.Enum) { Allowed = CameraMovements },
        new(Audio, "audio", FieldKind.Boolean),
        new(MultiClip, "multi_clip", FieldKind.Boolean),
        new(Thinking, "thinking", FieldKind.Enum) { Allowed = ["enabled", "disabled", "auto"] },
        new(MotionMode, "motion_mode", FieldKind.Enum) { Allowed = ["normal", "fast"] },
        new(NumOutputs, "num_outputs", FieldKind.Integer) { Min = 1, Max = 4 },
        new(PromptOptimization, "prompt_optimization", FieldKind.Boolean),
        new(SoundEffectContent, "sound_effect_content", FieldKind.Text),
        new(LipSyncTtsContent, "lip_sync_tts_content", FieldKind.Text),
        new(LipSyncTtsSpeakerId, "lip_sync_tts_speaker_id", FieldKind.Enum) { Allowed = ["auto", "1", "2", "3", "4", "5", "6", "7", "8", "9"] },
        new(Extra, "extra", FieldKind.Object),
        new(Image, "image", FieldKind.Text),
    ];

    public static int Count => All.Count;

    private static readonly Dictionary<string, FieldInfo> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out FieldInfo field) => ByName.TryGetValue(name, out field!);

    public static IEnumerable<string> Names => All.Select(f => f.Name);
}
