using System.Numerics;

namespace BatchGen.Core.Manifests.Expansion;

/// <summary>
/// Counts a manifest's combinations without enumerating them: the product of the axis sizes, minus the union of the
/// excludes (inclusion-exclusion over up to <see cref="MaxExactExcludes"/> entries), plus the include entries that
/// match no remaining combination (only defaults: one). Exact for the semantics of <see cref="Grid"/>.
/// </summary>
internal sealed class GridCounter
{
    public const int MaxExactExcludes = 14;

    private readonly ManifestDocument _doc;

    public GridCounter(ManifestDocument doc) => _doc = doc;

    /// <summary>Number of combinations; <paramref name="exact"/> is false when only an upper bound was computed.</summary>
    public BigInteger Count(out bool exact)
    {
        exact = _doc.Excludes.Count <= MaxExactExcludes;
        if (_doc.Axes.Count == 0 && _doc.Includes.Count == 0)
        {
            return BigInteger.One; // only defaults: one job
        }

        var grid = _doc.Axes.Count == 0 ? BigInteger.Zero : Product([]);
        var remaining = exact ? grid - UnionOfExcludes([]) : grid;
        var standalone = 0;
        foreach (var include in _doc.Includes)
        {
            // An include entry constrains only the original (axis) keys, and accepts a combination where that key is unset.
            var constraints = include.Pairs
                .Where(p => _doc.Keys.IsAxisSlot(p.Slot))
                .Select(p => new Constraint(p.Slot, p.Value.Text, AcceptUnset: true))
                .ToArray();
            var matches = _doc.Axes.Count == 0 ? BigInteger.Zero : Product(constraints);
            if (matches > 0 && exact)
            {
                matches -= UnionOfExcludes(constraints);
            }

            if (matches <= 0)
            {
                standalone++;
            }
        }

        return remaining + standalone;
    }

    /// <summary>Combinations that satisfy <paramref name="extra"/> and at least one exclude entry.</summary>
    private BigInteger UnionOfExcludes(Constraint[] extra)
    {
        var excludes = _doc.Excludes;
        var total = BigInteger.Zero;
        for (var mask = 1; mask < 1 << excludes.Count; mask++)
        {
            var constraints = new List<Constraint>(extra);
            for (var i = 0; i < excludes.Count; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    constraints.AddRange(excludes[i].Pairs.Where(p => !p.Value.IsRejected).Select(p => new Constraint(p.Slot, p.Value.Text, AcceptUnset: false)));
                }
            }

            var count = Product([.. constraints]);
            total += BitOperations.PopCount((uint)mask) % 2 == 1 ? count : -count;
        }

        return total;
    }

    /// <summary>Number of grid combinations consistent with every constraint.</summary>
    private BigInteger Product(Constraint[] constraints)
    {
        var result = BigInteger.One;
        foreach (var axis in _doc.Axes)
        {
            var relevant = constraints.Where(c => axis.Slots.Contains(c.Slot)).ToArray();
            if (relevant.Length == 0)
            {
                result *= axis.Entries.Count;
                continue;
            }

            var consistent = axis.Entries.Count(entry => relevant.All(c => c.Accepts(entry)));
            result *= consistent;
            if (result.IsZero)
            {
                return result;
            }
        }

        return result;
    }

    private readonly record struct Constraint(int Slot, string Text, bool AcceptUnset)
    {
        public bool Accepts(Pair[] entry)
        {
            foreach (var pair in entry)
            {
                if (pair.Slot == Slot)
                {
                    return pair.Value.Text == Text;
                }
            }

            return AcceptUnset;
        }
    }
}
