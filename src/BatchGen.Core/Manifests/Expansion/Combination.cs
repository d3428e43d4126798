namespace BatchGen.Core.Manifests.Expansion;

/// <summary>
/// The key values of one grid combination, by slot. One instance is reused while enumerating: read it before
/// moving to the next combination.
/// </summary>
internal sealed class Combination
{
    public Combination(int slotCount) => Values = new FieldValue?[slotCount];

    public FieldValue?[] Values { get; }

    /// <summary>Ordinal of the combination in enumeration order (0-based), before repeat.</summary>
    public long Ordinal { get; set; }

    /// <summary>The first place this combination's values were written (for errors that belong to no single field).</summary>
    public SourceMark Mark { get; set; }

    public void Reset(IReadOnlyList<Pair> defaults)
    {
        Array.Clear(Values);
        foreach (var pair in defaults)
        {
            Values[pair.Slot] = pair.Value;
        }
    }

    public void Apply(Pair[] pairs)
    {
        foreach (var pair in pairs)
        {
            Values[pair.Slot] = pair.Value;
        }
    }

    /// <summary>
    /// Every pair has the same canonical value here (exclude semantics). A rejected value in the entry matches
    /// anything: what it was meant to exclude is unknown, so those combinations are not checked either.
    /// </summary>
    public bool Matches(Pair[] pairs)
    {
        foreach (var pair in pairs)
        {
            if (Values[pair.Slot]?.Text != pair.Value.Text && !pair.Value.IsRejected)
            {
                return false;
            }
        }

        return true;
    }
}
