namespace BatchGen.Core.Manifests.Fields;

/// <summary>One provider-neutral job field: its index in a combination, its name and how it is read.</summary>
internal sealed record FieldInfo(int Index, string Name, FieldKind Kind)
{
    /// <summary>Allowed words (<see cref="FieldKind.Enum"/>) or allowed numbers as text (<see cref="FieldKind.Integer"/>).</summary>
    public IReadOnlyList<string> Allowed { get; init; } = [];

    public long Min { get; init; } = long.MinValue;

    public long Max { get; init; } = long.MaxValue;

    /// <summary>Bit of this field in a combination's set-field mask.</summary>
    public ulong Bit => 1UL << Index;
}
