using System.Collections;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;
using BatchGen.Core.Manifests.Limits;

namespace BatchGen.Core.Manifests.Csv;

/// <summary>
/// The rows of a CSV file as an axis's entries. A CSV of fewer than <see cref="ParseOnReadFrom"/> rows keeps every
/// row parsed. A larger one keeps only each row's cell texts (repeated texts shared per column while it is read) and
/// its line, from the moment it reaches that size, and parses a row again when it is read (the last row read is kept,
/// for grids that read it once per combination of later axes): the values are the same, since a row is parsed by the
/// same code from the same text every time, and the values the checks rejected afterwards are remembered by row and
/// key. A 100,000-row CSV then never holds its rows parsed at once, not even while the manifest is checked.
/// </summary>
internal sealed class CsvRows : IReadOnlyList<Pair[]>
{
    /// <summary>From this many rows a CSV keeps only its cell texts and parses a row when it is read.</summary>
    public const int ParseOnReadFrom = 1000;

    /// <summary>Distinct texts shared per column; past this a column's texts are kept as read.</summary>
    private const int MaxSharedPerColumn = 1024;

    private readonly string _file;
    private readonly int[] _slots;
    private readonly KeyTable _keys;
    private readonly List<string[]> _cells = [];
    private readonly List<int> _lines = [];
    private readonly Dictionary<string, string>[] _shared;
    private readonly HashSet<(int Row, int Slot)> _rejected = [];
    private List<Pair[]>? _parsed = [];
    private LastRow? _last;
    private bool _anyRejected;

    public CsvRows(string file, int[] slots, KeyTable keys)
    {
        _file = file;
        _slots = slots;
        _keys = keys;
        _shared = [.. slots.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal))];
    }

    public int Count => _cells.Count;

    /// <summary>True once the rows are kept as cell texts only (from <see cref="ParseOnReadFrom"/> rows).</summary>
    public bool IsCompact => _parsed is null;

    /// <summary>Some value of some row is rejected: a cell that failed to parse, or one <see cref="Reject"/> marked.</summary>
    public bool AnyRejected => _anyRejected;

    public Pair[] this[int index] => _parsed is { } parsed ? parsed[index] : Cached(index);

    /// <summary>Adds a row as read and parsed by <see cref="ParseRow"/> (which reported its errors).</summary>
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

        foreach (var pair in parsed)
        {
            _anyRejected |= pair.Value.IsRejected;
        }

        _cells.Add(record);
        _lines.Add(line);
        if (_parsed is null)
        {
            return;
        }

        if (_cells.Count < ParseOnReadFrom)
        {
            _parsed.Add(parsed);
            return;
        }

        // Large enough: from now on rows are parsed when read (the ones held so far parse to the same values).
        _parsed = null;
    }

    /// <summary>The whole file was read: the texts shared while reading need no lookup any more.</summary>
    public void EndOfRows()
    {
        foreach (var shared in _shared)
        {
            shared.Clear();
            shared.TrimExcess();
        }
    }

    /// <summary>Marks <paramref name="pair"/>'s value in row <paramref name="index"/> rejected, now and whenever the row is parsed again.</summary>
    public void Reject(int index, Pair pair)
    {
        pair.Value.Reject();
        _anyRejected = true;
        if (_parsed is null)
        {
            _rejected.Add((index, pair.Slot));
        }
    }

    /// <summary>
    /// The template values of every row in row order, then column order, with their row: only cells that can hold a
    /// placeholder (a template field's cell with a brace) are parsed; any other template cell is a constant text with
    /// no variable. For held rows, every template value.
    /// </summary>
    public IEnumerable<(int Row, Pair Pair)> TemplateValues()
    {
        var templateColumns = Enumerable.Range(0, _slots.Length)
            .Where(i => JobFields.TryGet(_keys.NameOf(_slots[i]), out var field) && field.Kind == FieldKind.Template)
            .ToArray();
        for (var row = 0; row < Count; row++)
        {
            if (_parsed is null && !HasBrace(_cells[row], templateColumns))
            {
                continue;
            }

            foreach (var pair in this[row])
            {
                if (pair.Value.Parsed is Template)
                {
                    yield return (row, pair);
                }
            }
        }
    }

    public IEnumerator<Pair[]> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// One row's values: a cell over <see cref="ManifestLimits.MaxValueChars"/> is reported and invalid, an empty one
    /// absent, any other parsed for its key (errors reported at line:field, the value then invalid).
    /// </summary>
    public static Pair[] ParseRow(string[] record, int[] slots, KeyTable keys, string file, int line, DiagnosticBag bag)
    {
        var pairs = new List<Pair>(record.Length);
        for (var i = 0; i < record.Length; i++)
        {
            if (record[i].Length > ManifestLimits.MaxValueChars)
            {
                var mark = new SourceMark(file, line, i + 1);
                bag.Error(mark, keys.NameOf(slots[i]), $"a cell of {record[i].Length} characters is longer than the {ManifestLimits.MaxValueChars} allowed");
                pairs.Add(new Pair(slots[i], FieldValue.Invalid(string.Empty, mark)));
            }
            else if (record[i].Length > 0)
            {
                pairs.Add(new Pair(slots[i], FieldValueParser.FromText(keys.NameOf(slots[i]), record[i], new SourceMark(file, line, i + 1), bag)));
            }
        }

        return [.. pairs];
    }

    private static bool HasBrace(string[] record, int[] columns)
    {
        foreach (var column in columns)
        {
            if (record[column].AsSpan().IndexOfAny('{', '}') >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The row as the reader first built it (its errors were reported then), with the values rejected since.</summary>
    private Pair[] Cached(int index)
    {
        if (_last is { } last && last.Index == index)
        {
            return last.Row;
        }

        var row = ParseRow(_cells[index], _slots, _keys, _file, _lines[index], new DiagnosticBag());
        foreach (var pair in row)
        {
            if (pair.Value.Parsed is Template template)
            {
                template.Bind(_keys.SlotOf);
            }

            if (_rejected.Count > 0 && _rejected.Contains((index, pair.Slot)))
            {
                pair.Value.Reject();
            }
        }

        _last = new LastRow(index, row);
        return row;
    }

    private sealed record LastRow(int Index, Pair[] Row);
}
