using System.Globalization;

namespace BatchGen.Core.Pipeline.Halting;

/// <summary>
/// When a run stops submitting because too many jobs fail (like GNU parallel's <c>--halt soon,fail=N</c>): jobs in
/// flight are finished and downloaded, the rest stay pending for a later run. Validated once by the engine.
/// </summary>
public sealed class HaltRules
{
    /// <summary>Default of <see cref="MinFinished"/>.</summary>
    public const int DefaultMinFinished = 20;

    /// <summary>Halt once this many jobs failed in this run; null = no such rule.</summary>
    public int? MaxFailures { get; init; }

    /// <summary>Halt once the failed share of finished jobs reaches this (0..1), after <see cref="MinFinished"/>.</summary>
    public double? MaxFailureRate { get; init; }

    /// <summary>The failure rate is judged only after this many jobs finished (succeeded or failed).</summary>
    public int MinFinished { get; init; } = DefaultMinFinished;

    /// <summary>Judge each provider on its own figures and halt only that provider; otherwise all providers together.</summary>
    public bool PerProvider { get; init; }

    public bool IsEmpty => MaxFailures is null && MaxFailureRate is null;

    /// <summary>Parses <c>20%</c>, <c>20</c> (percent) or <c>0.2</c> (a fraction below 1).</summary>
    public static bool TryParseRate(string text, out double rate)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        if (!double.TryParse(percent ? trimmed[..^1] : trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            rate = 0;
            return false;
        }

        rate = percent || value > 1 ? value / 100 : value;
        return rate <= 1;
    }

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxFailures is < 1)
        {
            errors.Add($"--halt-on-failures must be >= 1 (got {MaxFailures})");
        }

        if (MaxFailureRate is < 0 or > 1)
        {
            errors.Add($"--halt-on-failure-rate must be between 0% and 100% (got {MaxFailureRate})");
        }

        if (MinFinished < 1)
        {
            errors.Add($"--halt-min-finished must be >= 1 (got {MinFinished})");
        }

        return errors;
    }
}
