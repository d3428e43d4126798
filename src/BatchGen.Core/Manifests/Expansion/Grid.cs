namespace BatchGen.Core.Manifests.Expansion;

/// <summary>
/// Streams the combinations of a manifest: the Cartesian product of its axes in declared order (the last axis
/// varies fastest), minus excludes, with includes applied by GitHub Actions matrix rules: an include entry is
/// merged into every combination whose original (axis) values it does not contradict, overwriting only values added
/// by earlier includes; an entry merged nowhere becomes a combination of its own, after the grid.
/// Excludes apply before includes. Nothing is materialised: memory does not grow with the combination count.
/// A manifest with no axis and no include (only <c>defaults</c>) is one combination, as GitHub Actions runs one job
/// without a matrix.
/// </summary>
internal sealed class Grid
{
    private readonly ManifestDocument _doc;

    public Grid(ManifestDocument doc) => _doc = doc;

    public IEnumerable<Combination> Enumerate()
    {
        var axes = _doc.Axes;
        var combination = new Combination(_doc.Keys.Count);
        var matched = new bool[_doc.Includes.Count];
        long ordinal = 0;
        if (axes.Count > 0 && axes.All(a => a.Entries.Count > 0))
        {
            var index = new int[axes.Count];
            while (true)
            {
                combination.Reset(_doc.Defaults);
                for (var a = 0; a < axes.Count; a++)
                {
                    combination.Apply(axes[a].Entries[index[a]]);
                }

                if (!IsExcluded(combination))
                {
                    ApplyIncludes(combination, matched);
                    combination.Ordinal = ordinal++;
                    combination.Mark = MarkOf(axes[0].Entries[index[0]], axes[0].Mark);
                    yield return combination;
                }

                var carry = axes.Count - 1;
                while (carry >= 0 && ++index[carry] == axes[carry].Entries.Count)
                {
                    index[carry] = 0;
                    carry--;
                }

                if (carry < 0)
                {
                    break;
                }
            }
        }

        if (axes.Count == 0 && _doc.Includes.Count == 0)
        {
            combination.Reset(_doc.Defaults);
            combination.Ordinal = 0;
            combination.Mark = _doc.Defaults.Count > 0 ? _doc.Defaults[0].Value.Mark : _doc.Start;
            yield return combination;
        }

        for (var i = 0; i < _doc.Includes.Count; i++)
        {
            if (!matched[i])
            {
                combination.Reset(_doc.Defaults);
                combination.Apply(_doc.Includes[i].Pairs);
                combination.Ordinal = ordinal++;
                combination.Mark = _doc.Includes[i].Mark;
                yield return combination;
            }
        }
    }

    private static SourceMark MarkOf(Pair[] entry, SourceMark fallback) => entry.Length > 0 ? entry[0].Value.Mark : fallback;

    private bool IsExcluded(Combination combination)
    {
        foreach (var exclude in _doc.Excludes)
        {
            if (combination.Matches(exclude.Pairs))
            {
                return true;
            }
        }

        return false;
    }

    private void ApplyIncludes(Combination combination, bool[] matched)
    {
        for (var i = 0; i < _doc.Includes.Count; i++)
        {
            var pairs = _doc.Includes[i].Pairs;
            if (IsCompatible(combination, pairs))
            {
                combination.Apply(pairs);
                matched[i] = true;
            }
        }
    }

    /// <summary>The entry does not overwrite any original axis value of the combination.</summary>
    internal bool IsCompatible(Combination combination, Pair[] pairs)
    {
        foreach (var pair in pairs)
        {
            if (_doc.Keys.IsAxisSlot(pair.Slot)
                && combination.Values[pair.Slot] is { } current
                && current.Text != pair.Value.Text)
            {
                return false;
            }
        }

        return true;
    }
}
