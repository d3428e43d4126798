using System.Globalization;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>Reads a job's value for an axis, and orders axis values the same way everywhere.</summary>
internal static class JobAxes
{
    public const string Provider = "provider";
    public const string None = "(none)";

    /// <summary>
    /// The value the manifest gave this job for <paramref name="axis"/>; for axes the job does not list, the
    /// job field of that name (provider, resolution, duration, style, seed...); else "(none)".
    /// </summary>
    public static string ValueOf(LedgerJob job, string axis)
    {
        foreach (var (key, value) in job.Spec.Axes)
        {
            if (string.Equals(key, axis, StringComparison.Ordinal))
            {
                return value;
            }
        }

        var p = job.Spec.Parameters;
        return axis switch
        {
            Provider => job.Provider,
            "resolution" => p.Resolution,
            "duration" => p.Duration.ToString(CultureInfo.InvariantCulture),
            "aspect_ratio" => p.AspectRatio,
            "style" => p.Style,
            "seed" => p.Seed?.ToString(CultureInfo.InvariantCulture),
            "prompt" => p.Prompt,
            "image_url" => p.ImageUrl,
            "image" => p.Image?.Display,
            "camera_movement" => p.CameraMovement,
            "motion_mode" => p.MotionMode,
            "thinking" => p.Thinking,
            "audio" => ReportFormat.Bool(p.Audio) is { Length: > 0 } audio ? audio : null,
            "multi_clip" => ReportFormat.Bool(p.MultiClip) is { Length: > 0 } multi ? multi : null,
            "replicate" => job.Spec.Replicate.ToString(CultureInfo.InvariantCulture),
            _ => null,
        } ?? None;
    }

    /// <summary>The dimensions reports group by: the manifest's axes in declared order, then provider if not among them.</summary>
    public static IReadOnlyList<string> Dimensions(IReadOnlyList<string> axes)
    {
        var list = axes.Distinct(StringComparer.Ordinal).ToList();
        if (!list.Contains(Provider, StringComparer.Ordinal))
        {
            list.Add(Provider);
        }

        return list;
    }

    /// <summary>Resolution and duration as one key ("720p x 5s").</summary>
    public static string ResolutionDuration(LedgerJob job) =>
        string.Create(CultureInfo.InvariantCulture, $"{job.Spec.Parameters.Resolution} x {job.Spec.Parameters.Duration}s");

    /// <summary>
    /// Numbers in numeric order first, then text in natural order (digit runs compared as numbers, so
    /// "720p x 10s" comes after "720p x 5s"), ties broken by ordinal order. Deterministic and culture-free.
    /// </summary>
    public static IComparer<string> ValueComparer { get; } = Comparer<string>.Create(CompareValues);

    private static int CompareValues(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var aNumber = decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var na);
        var bNumber = decimal.TryParse(b, NumberStyles.Number, CultureInfo.InvariantCulture, out var nb);
        if (aNumber && bNumber && na != nb)
        {
            return na.CompareTo(nb);
        }

        if (aNumber != bNumber)
        {
            return aNumber ? -1 : 1;
        }

        var natural = CompareNatural(a, b);
        return natural != 0 ? natural : string.CompareOrdinal(a, b);
    }

    private static int CompareNatural(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var si = i;
                var sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }

                var da = a.AsSpan(si, i - si).TrimStart('0');
                var db = b.AsSpan(sj, j - sj).TrimStart('0');
                if (da.Length != db.Length)
                {
                    return da.Length.CompareTo(db.Length);
                }

                var digits = da.SequenceCompareTo(db);
                if (digits != 0)
                {
                    return digits;
                }
            }
            else
            {
                if (a[i] != b[j])
                {
                    return a[i].CompareTo(b[j]);
                }

                i++;
                j++;
            }
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }
}
