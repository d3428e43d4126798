using BatchGen.Core.Jobs;

namespace BatchGen.Core.Providers.Capabilities;

/// <summary>
/// What each provider's documented image-to-video request accepts, in neutral field names, and which
/// duration x resolution x motion-mode combinations it allows. Drawn from the provider docs in the research notes:
/// Magnific, GMI Cloud and AI/ML API run PixVerse V5.5 (5/8/10 s); Pixwith and Segmind run PixVerse V5 (5/8 s).
/// </summary>
public static class ProviderCapabilities
{
    /// <summary>Fields every provider takes (the engine always resolves duration, resolution and aspect ratio).</summary>
    public static IReadOnlyList<string> CommonFields { get; } = ["provider", "prompt", "image_url", "image", "duration", "resolution", "extra"];

    private static readonly Dictionary<string, string[]> Specific = new(StringComparer.Ordinal)
    {
        [ProviderNames.Magnific] = ["aspect_ratio", "negative_prompt", "style", "seed", "camera_movement", "audio", "multi_clip", "thinking"],
        [ProviderNames.GmiCloud] = ["aspect_ratio", "negative_prompt", "style", "seed", "audio", "multi_clip", "thinking"],
        // The AI/ML API schema has no aspect ratio: the video takes the image's shape.
        [ProviderNames.AimlApi] = ["negative_prompt", "style", "seed", "audio", "multi_clip", "thinking"],
        [ProviderNames.Pixwith] = ["aspect_ratio", "num_outputs", "prompt_optimization"],
        [ProviderNames.Segmind] = ["aspect_ratio", "negative_prompt", "seed", "motion_mode", "audio", "sound_effect_content", "lip_sync_tts_content", "lip_sync_tts_speaker_id"],
    };

    /// <summary>Neutral field names <paramref name="provider"/> accepts.</summary>
    public static IReadOnlySet<string> AcceptedFields(string provider) =>
        new HashSet<string>(CommonFields.Concat(Specific.TryGetValue(provider, out var extra) ? extra : []), StringComparer.Ordinal);

    /// <summary>Durations (seconds) the provider offers at all.</summary>
    public static IReadOnlyList<int> Durations(string provider) => provider switch
    {
        ProviderNames.Pixwith or ProviderNames.Segmind => V5Durations,
        _ => V55Durations,
    };

    private static readonly int[] V5Durations = [5, 8];
    private static readonly int[] V55Durations = [5, 8, 10];

    /// <summary>
    /// Null when the provider allows this duration x resolution x motion mode; otherwise why not, in a few words.
    /// </summary>
    public static string? CheckTiming(string provider, int duration, string resolution, string? motionMode)
    {
        if (duration == 10 && provider is ProviderNames.Pixwith or ProviderNames.Segmind)
        {
            return $"{provider} offers {string.Join(" or ", Durations(provider))} s only";
        }

        var is1080 = resolution == "1080p";
        switch (provider)
        {
            case ProviderNames.Magnific or ProviderNames.GmiCloud:
                return duration == 10 && is1080 ? $"{provider} offers 10 s only up to 720p" : null;
            case ProviderNames.AimlApi:
                if (is1080 && duration == 8)
                {
                    return "aimlapi refuses 1080p with 8 s (its API schema says so)";
                }

                return is1080 && duration == 10 ? "aimlapi offers 10 s only up to 720p" : null;
            case ProviderNames.Pixwith:
                return is1080 && duration != 5 ? "pixwith (PixVerse V5) offers 1080p at 5 s only" : null;
            case ProviderNames.Segmind:
                if (motionMode == "fast" && is1080)
                {
                    return "segmind offers fast motion only below 1080p";
                }

                if (motionMode == "fast" && duration != 5)
                {
                    return "segmind offers fast motion at 5 s only";
                }

                return is1080 && duration != 5 ? "segmind offers 1080p at 5 s only" : null;
            default:
                return null;
        }
    }
}
