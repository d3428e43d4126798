using System.Collections;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests.Csv;

/// <summary>
/// The rows of a CSV file as an axis's entries. While the manifest is checked, every row is held parsed (the checks
/// mark rejected values on them). Once it loaded without error, <see cref="Compact"/> keeps only each row's cell texts
/// (repeated texts shared per column) and its line, and parses a row again when it is read: the values are the same,
/// since every one of them parsed without error. A 100,000-row CSV then holds about 25 MB instead of 75 MB.
/// </summary>
internal sealed class CsvRows : IReadOnlyList<Pair[]>
{
    /// <summary>Distinct texts shared per column; past this a column's texts are kept as read.</summary>
    private const int MaxSharedPerColumn = 1024;

    private readonly string _file;
    private readonly int[] _slots;
    private readonly KeyTable _keys;
    private readonly List<string[]> _cells = [];
    private readonly List<int> _lines = [];
    private readonly Dictionary<string, string>[] _shared;
    private List<Pair[]>? _parsed = [];

    public CsvRows(string file, int[] slots, KeyTable keys)
    {
        _file = file;
        _slots = slots;
        _keys = keys;
        _shared = [.. slots.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal))];
    }

    public int Count => _cells.Count;

    /// <summary>True once <see cref="Compact"/> dropped the parsed rows.</summary>
    public bool IsCompact => _parsed is null;

    public Pair[] this[int index] => _parsed is { } parsed ? parsed[index] : Parse(index);

    public void Add(string[] record, int line, Pair[] parsed)
    {
        for (var i = 0; i < record.Length; i++)
        {
            var shared = _shared[i];
            if (shared.TryGetValue(record[i], out var same))
            {
                record[i] = same;
            }
            else if (shared.Count < MaxSharedPerColumn)
            {
                shared.Add(record[i], record[i]);
            }
        }

        _cells.Add(record);
        _lines.Add(line);
        _parsed!.Add(parsed);
    }

    /// <summary>
    /// Drops the parsed rows when parsing each row again gives the same values (always, for a manifest that loaded:
    /// checked anyway, so a value the checks changed in place is never lost); false when they were kept.
    /// </summary>
    public bool Compact()
    {
        if (_parsed is null)
        {
            return true;
        }

        for (var i = 0; i < _parsed.Count; i++)
        {
            var again = Parse(i);
            var held = _parsed[i];
            if (again.Length != held.Length)
            {
                return false;
            }

            for (var k = 0; k < held.Length; k++)
            {
                if (!Same(held[k], again[k]))
                {
                    return false;
                }
            }
        }

        _parsed = null;
        foreach (var shared in _shared)
        {
            shared.Clear();
            shared.TrimExcess();
        }

        return true;
    }

    public IEnumerator<Pair[]> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The row as the reader first built it (cells over the length limit cannot occur: they fail the load).</summary>
    private Pair[] Parse(int index)
    {
        var record = _cells[index];
        var line = _lines[index];
        var bag = new DiagnosticBag();
        var pairs = new List<Pair>(record.Length);
        for (var i = 0; i < record.Length; i++)
        {
            if (record[i].Length > 0)
            {
                var value = FieldValueParser.FromText(_keys.NameOf(_slots[i]), record[i], new SourceMark(_file, line, i + 1), bag);
                if (value.Parsed is Template template)
                {
                    template.Bind(_keys.SlotOf);
                }

                pairs.Add(new Pair(_slots[i], value));
            }
        }

        return [.. pairs];
    }

    private static bool Same(Pair held, Pair again) =>
        held.Slot == again.Slot
        && !held.Value.IsRejected && !again.Value.IsRejected
        && string.Equals(held.Value.Text, again.Value.Text, StringComparison.Ordinal)
        && held.Value.Mark == again.Value.Mark
        && (held.Value.Parsed, again.Value.Parsed) switch
        {
            (Template a, Template b) => string.Equals(a.Source, b.Source, StringComparison.Ordinal),
            (null, null) => true,
            (string or int or long or bool, _) => Equals(held.Value.Parsed, again.Value.Parsed),
            _ => false,
        };
}
