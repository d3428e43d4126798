namespace BatchGen.Core.Manifests.Expansion;

/// <summary>
/// One dimension of the grid: a matrix key (entries of one pair), a zip group (entries of one pair per key, advanced
/// together) or the rows of a CSV (one entry per row; empty cells are absent).
/// </summary>
internal sealed record Axis(string Name, IReadOnlyList<int> Slots, IReadOnlyList<Pair[]> Entries, SourceMark Mark);

/// <summary>An include or exclude entry: a partial combination.</summary>
internal sealed record PartialEntry(Pair[] Pairs, SourceMark Mark);
