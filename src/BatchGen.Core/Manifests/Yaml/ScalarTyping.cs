using System.Globalization;

namespace BatchGen.Core.Manifests.Yaml;

/// <summary>
/// Which JSON type a YAML scalar becomes. YAML 1.1 implicit typing is never used: a scalar is a string unless the
/// field wants a number or a boolean (so <c>16:9</c>, <c>no</c>, <c>on</c> and <c>1e3</c> stay text). Inside
/// <c>extra</c> and <c>pricing.base</c> (free-form data) the YAML 1.2 core schema applies.
/// </summary>
internal static class ScalarTyping
{
    private static readonly HashSet<string> NumericKeys = new(StringComparer.Ordinal)
    {
        "duration", "seed", "num_outputs", "version", "repeat", "max_cost", "max_cost_per_day", "max_cost_per_month", "concurrency", "usd_per_credit",
        "audio_add_on", "multi_clip_add_on", "nominal_latency_seconds", "poll_interval_seconds",
        "max_poll_interval_seconds", "request_timeout_seconds", "job_deadline_seconds",
    };

    private static readonly HashSet<string> BooleanKeys = new(StringComparer.Ordinal)
    {
        "audio", "multi_clip", "prompt_optimization", "charge_failed_jobs", "keep_local", "force_path_style",
    };

    /// <summary>Keys whose whole subtree is free-form data typed by the YAML 1.2 core schema.</summary>
    public static bool StartsTypedSubtree(string key) => key is "extra" or "base";

    public static bool IsNumericKey(string? key) => key is not null && NumericKeys.Contains(key);

    public static bool IsBooleanKey(string? key) => key is not null && BooleanKeys.Contains(key);

    public static bool TryNumber(string text, out string canonical)
    {
        canonical = text;
        if (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            canonical = value.ToString(CultureInfo.InvariantCulture);
            return true;
        }

        return false;
    }

    public static bool TryBoolean(string text, out bool value)
    {
        var t = text.Trim();
        if (t.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return t.Equals("false", StringComparison.OrdinalIgnoreCase);
    }
}
