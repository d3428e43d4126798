using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Every key a manifest uses, each with a slot: the job fields first (fixed slots), then the template variables in
/// the order they are first declared. Also records which keys are axis keys (the "original" matrix values of GitHub's
/// include semantics) and where each key was first written.
/// </summary>
internal sealed class KeyTable
{
    private readonly List<string> _names = [];
    private readonly List<SourceMark?> _marks = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<int> _axisSlots = [];

    public KeyTable()
    {
        foreach (var field in JobFields.All)
        {
            _slots[field.Name] = _names.Count;
            _names.Add(field.Name);
            _marks.Add(null);
        }
    }

    public int Count => _names.Count;

    public string NameOf(int slot) => _names[slot];

    public SourceMark? MarkOf(int slot) => _marks[slot];

    public static bool IsField(int slot) => slot < JobFields.Count;

    public bool IsAxisSlot(int slot) => _axisSlots.Contains(slot);

    public IEnumerable<int> VariableSlots => Enumerable.Range(JobFields.Count, _names.Count - JobFields.Count);

    public int SlotOf(string name) => _slots.TryGetValue(name, out var slot) ? slot : -1;

    /// <summary>The slot of <paramref name="name"/>, adding it as a variable when new.</summary>
    public int Declare(string name, SourceMark mark, bool isAxis)
    {
        if (!_slots.TryGetValue(name, out var slot))
        {
            slot = _names.Count;
            _slots[name] = slot;
            _names.Add(name);
            _marks.Add(mark);
        }
        else
        {
            _marks[slot] ??= mark;
        }

        if (isAxis)
        {
            _axisSlots.Add(slot);
        }

        return slot;
    }
}
