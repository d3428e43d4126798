namespace BatchGen.Core.Manifests;

/// <summary>"Did you mean" hints for misspelt keys and values.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate within an edit distance of about a third of the word, or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Max(2, word.Length / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or an empty string.</summary>
    public static string Hint(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } match ? $"; did you mean '{match}'?" : string.Empty;

    /// <summary>"must be one of: a, b, c", plus <see cref="ValueHint"/>.</summary>
    public static string OneOf(string? value, IReadOnlyCollection<string> allowed) =>
        "must be one of: " + string.Join(", ", allowed) + ValueHint(value, allowed);

    /// <summary>
    /// "; did you mean 'b'?" when an enum value is close to an allowed one, else an empty string (never a number
    /// for a number: 7 is not a typo of 8).
    /// </summary>
    public static string ValueHint(string? value, IEnumerable<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(value) || Closest(value.Trim(), allowed) is not { } match || (IsNumber(value) && IsNumber(match)))
        {
            return string.Empty;
        }

        return $"; did you mean '{match}'?";
    }

    private static bool IsNumber(string text) => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
