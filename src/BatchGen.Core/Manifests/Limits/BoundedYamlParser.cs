using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BatchGen.Core.Manifests.Limits;

/// <summary>
/// Wraps a YAML parser and enforces <see cref="ManifestLimits"/> on its event stream, before any node tree is built:
/// nesting depth (aliases expanded), the number of nodes (each alias counted as the nodes it repeats), value length,
/// and aliases that refer to the node containing them (cycles). Everything is counted with loops over events, so a
/// hostile file cannot overflow the stack here. Aliases under a top-level key the schema does not know are not
/// counted: nothing expands them (the schema reports the key), so a typo is reported as a typo.
/// Throws <see cref="YamlLimitException"/> at the first limit passed.
/// </summary>
internal sealed class BoundedYamlParser(IParser inner, IReadOnlySet<string>? knownTopLevelKeys) : IParser
{
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<string, (long Nodes, int Height)> _anchors = new(StringComparer.Ordinal);
    private long _nodes;
    private bool _topKeyUnknown;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        switch (inner.Current)
        {
            case DocumentStart:
                _anchors.Clear();
                _frames.Clear();
                break;
            case Scalar scalar:
                OnScalar(scalar);
                break;
            case AnchorAlias alias:
                OnAlias(alias);
                break;
            case MappingStart mapping:
                OnCollectionStart(mapping, isMapping: true);
                break;
            case SequenceStart sequence:
                OnCollectionStart(sequence, isMapping: false);
                break;
            case MappingEnd or SequenceEnd:
                OnCollectionEnd();
                break;
        }

        return moved;
    }

    private void OnScalar(Scalar scalar)
    {
        _ = NextChildIsIgnored(scalar.Value);
        if (scalar.Value.Length > ManifestLimits.MaxValueChars)
        {
            throw Limit(scalar, $"a value of {Count(scalar.Value.Length)} characters is longer than the {Count(ManifestLimits.MaxValueChars)} allowed");
        }

        AddNodes(scalar, 1, ignored: false);
        if (!scalar.Anchor.IsEmpty)
        {
            _anchors[scalar.Anchor.Value] = (1, 0);
        }

        AddToParent(1, 0);
    }

    private void OnAlias(AnchorAlias alias)
    {
        var ignored = NextChildIsIgnored(null);
        var name = alias.Value.Value;
        if (_frames.Exists(f => f.Anchor == name))
        {
            throw Limit(alias, $"alias *{name} is used inside the node it names (&{name}): a recursive structure cannot be expanded");
        }

        if (!_anchors.TryGetValue(name, out var anchored))
        {
            return; // YamlDotNet reports the unknown anchor.
        }

        if (!ignored && _frames.Count + anchored.Height > ManifestLimits.MaxDepth)
        {
            throw Limit(alias, $"alias *{name} nests mappings and lists deeper than {ManifestLimits.MaxDepth} levels once expanded");
        }

        AddNodes(alias, anchored.Nodes, ignored);
        AddToParent(anchored.Nodes, anchored.Height);
    }

    private void OnCollectionStart(NodeEvent start, bool isMapping)
    {
        var ignored = NextChildIsIgnored(null) || (_frames.Count > 0 && _frames[^1].Ignored);
        if (_frames.Count + 1 > ManifestLimits.MaxDepth)
        {
            throw Limit(start, $"mappings and lists are nested deeper than {ManifestLimits.MaxDepth} levels; flatten the structure");
        }

        AddNodes(start, 1, ignored: false);
        _frames.Add(new Frame
        {
            Anchor = start.Anchor.IsEmpty ? null : start.Anchor.Value,
            IsMapping = isMapping,
            Ignored = ignored,
            Nodes = 1,
        });
    }

    private void OnCollectionEnd()
    {
        if (_frames.Count == 0)
        {
            return;
        }

        var frame = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        var height = frame.ChildHeight + 1;
        if (frame.Anchor is { } anchor)
        {
            _anchors[anchor] = (frame.Nodes, height);
        }

        AddToParent(frame.Nodes, height);
    }

    /// <summary>True when the node about to start is the value of an unknown top-level key; tracks key/value order.</summary>
    private bool NextChildIsIgnored(string? scalarValue)
    {
        if (_frames.Count == 0)
        {
            return false;
        }

        var parent = _frames[^1];
        var index = parent.Children++;
        if (_frames.Count != 1 || !parent.IsMapping || knownTopLevelKeys is null)
        {
            return parent.Ignored;
        }

        if (index % 2 == 0)
        {
            _topKeyUnknown = scalarValue is not null && !knownTopLevelKeys.Contains(scalarValue);
            return false;
        }

        return _topKeyUnknown;
    }

    private void AddNodes(ParsingEvent at, long count, bool ignored)
    {
        if (ignored)
        {
            return;
        }

        _nodes = Saturate(_nodes + count);
        if (_nodes > ManifestLimits.MaxNodes)
        {
            throw Limit(at, $"the file holds more than {Count(ManifestLimits.MaxNodes)} YAML nodes once aliases are expanded; a manifest this large is refused (put long lists in a CSV file given as rows:)");
        }
    }

    private void AddToParent(long nodes, int height)
    {
        if (_frames.Count == 0)
        {
            return;
        }

        var parent = _frames[^1];
        parent.Nodes = Saturate(parent.Nodes + nodes);
        parent.ChildHeight = Math.Max(parent.ChildHeight, height);
    }

    private static long Saturate(long value) => value < 0 || value > long.MaxValue / 4 ? long.MaxValue / 4 : value;

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static YamlLimitException Limit(ParsingEvent at, string message) =>
        new((int)Math.Min(at.Start.Line, int.MaxValue), (int)Math.Min(at.Start.Column, int.MaxValue), message);

    private sealed class Frame
    {
        public string? Anchor { get; init; }

        public bool IsMapping { get; init; }

        public bool Ignored { get; init; }

        public long Nodes { get; set; }

        public int ChildHeight { get; set; }

        public int Children { get; set; }
    }
}
