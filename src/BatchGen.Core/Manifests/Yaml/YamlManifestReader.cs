using System.Globalization;
using BatchGen.Core.Manifests.Csv;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Yaml;

/// <summary>Reads a schema-valid YAML manifest tree into a <see cref="ManifestDocument"/>.</summary>
internal sealed class YamlManifestReader
{
    private readonly ManifestDocument _doc;
    private readonly DiagnosticBag _bag;
    private readonly string _file;
    private readonly Dictionary<int, string> _axisOwner = [];
    private readonly RejectedNodes _rejected;

    private YamlManifestReader(ManifestDocument doc, DiagnosticBag bag, RejectedNodes rejected)
    {
        _doc = doc;
        _bag = bag;
        _file = doc.File;
        _rejected = rejected;
    }

    /// <summary>Reads the tree; nodes in <paramref name="rejected"/> were already reported and are skipped.</summary>
    public static void Read(YamlMappingNode root, ManifestDocument doc, DiagnosticBag bag, RejectedNodes rejected)
    {
        var reader = new YamlManifestReader(doc, bag, rejected);
        var sections = new OrderedDictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Children)
        {
            sections[KeyName(key)] = value;
        }

        reader.ReadAll(sections);
    }

    private void ReadAll(OrderedDictionary<string, YamlNode> s)
    {
        foreach (var source in (string[])["defaults", "matrix", "zip", "include", "exclude", "rows"])
        {
            if (s.TryGetValue(source, out var sourceNode) && (_rejected.Contains(sourceNode)
                || (source is "zip" or "include" or "exclude" && sourceNode is YamlSequenceNode items && items.Children.Any(_rejected.Contains))))
            {
                _doc.SourceRejected = true;
            }
        }

        if (s.TryGetValue("name", out var name) && name is YamlScalarNode n && !_rejected.Contains(n))
        {
            _doc.Name = n.Value;
            _doc.NameMark = n.MarkOf(_file);
        }

        if (s.TryGetValue("rows", out var rows) && rows is YamlScalarNode r && r.Value is { Length: > 0 } rowsPath)
        {
            ReadRows(rowsPath, r);
        }

        if (s.TryGetValue("defaults", out var defaults) && defaults is YamlMappingNode d)
        {
            foreach (var (key, node) in d.Children)
            {
                var keyName = KeyName(key);
                var slot = _doc.Keys.SlotOf(keyName);
                if (!_rejected.Contains(key) && slot >= 0 && KeyTable.IsField(slot))
                {
                    _doc.Defaults.Add(new Pair(slot, FieldValueParser.FromNode(keyName, node, _file, _bag, _rejected)));
                }
                else if (Suggestions.Closest(keyName, JobFields.Names) is { } meant)
                {
                    // A misspelt field (reported by the schema with "did you mean"): the field it stands for is
                    // invalid, not missing, so "no prompt" is not reported a second time for the same line.
                    _doc.Defaults.Insert(0, new Pair(_doc.Keys.SlotOf(meant), FieldValue.Invalid(string.Empty, key.MarkOf(_file))));
                }
            }
        }

        // Axes in the order the sections and keys are written (matrix and zip may come in either order).
        foreach (var section in s.Keys)
        {
            if (section == "matrix" && s[section] is YamlMappingNode m)
            {
                foreach (var (key, node) in m.Children)
                {
                    ReadGroup(new YamlMappingNode(new KeyValuePair<YamlNode, YamlNode>(key, node)), "matrix", key.MarkOf(_file));
                }
            }
            else if (section == "zip" && s[section] is YamlSequenceNode z)
            {
                foreach (var group in z.Children.OfType<YamlMappingNode>())
                {
                    ReadGroup(group, "zip", group.MarkOf(_file));
                }
            }
        }

        ReadEntries(s, "exclude", _doc.Excludes);
        ReadEntries(s, "include", _doc.Includes);

        if (s.TryGetValue("repeat", out var repeat) && repeat is YamlScalarNode rp
            && !_rejected.Contains(rp) && int.TryParse(rp.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            _doc.Repeat = count;
        }

        var imageStoreGiven = s.TryGetValue("image_store", out var imageStore);
        if (imageStore is YamlMappingNode im && !_rejected.Contains(im))
        {
            _doc.ImageStore = StoreSections.ReadMapping(im, "image_store", _file, _bag);
        }

        if (s.TryGetValue("output", out var output) && output is YamlMappingNode o)
        {
            _doc.OutputDir = ReadTemplate(o, "dir");
            _doc.OutputFilename = ReadTemplate(o, "filename");
            ReadOutputStore(o, imageStoreGiven);
        }

        if (s.TryGetValue("budget", out var budget) && budget is YamlMappingNode b)
        {
            _doc.MaxCost = ReadMoney(b, "max_cost");
            _doc.MaxCostPerDay = ReadMoney(b, "max_cost_per_day");
            _doc.MaxCostPerMonth = ReadMoney(b, "max_cost_per_month");
        }

        if (s.TryGetValue("timezone", out var tz) && tz is YamlScalarNode tzs && tzs.Value is { Length: > 0 } tzId)
        {
            _doc.TimeZone = (tzId, tzs.MarkOf(_file));
        }

        if (s.TryGetValue("notify", out var notify) && notify is YamlSequenceNode urls)
        {
            _doc.Notify.AddRange(urls.Children.OfType<YamlScalarNode>().Select(u => u.Value).OfType<string>());
        }

        if (s.TryGetValue("verify", out var verify) && verify is YamlScalarNode v)
        {
            _doc.DeepVerify = v.Value == "deep";
        }

        if (s.TryGetValue("providers", out var providers) && providers is YamlMappingNode p)
        {
            _doc.Providers = p;
        }

        if (s.TryGetValue("webhook", out var webhook) && !_rejected.Contains(webhook))
        {
            _doc.Webhook = webhook;
        }
    }

    private void ReadRows(string relative, YamlScalarNode node)
    {
        var baseDir = Path.GetDirectoryName(_doc.FullPath) ?? ".";
        var full = Path.GetFullPath(Path.Combine(baseDir, relative));
        var mark = node.MarkOf(_file);
        if (Directory.Exists(full) || !File.Exists(full))
        {
            _bag.Error(mark, "rows", $"CSV file '{relative}' {(Directory.Exists(full) ? "is a directory" : "not found")} (paths are relative to the manifest)");
            _doc.SourceRejected = true;
            return;
        }

        var display = Path.Combine(Path.GetDirectoryName(_file) ?? string.Empty, relative);
        if (CsvRowsReader.Read(full, display, _doc.Keys, _bag, fileMark: mark) is { } axis)
        {
            foreach (var slot in axis.Slots)
            {
                _axisOwner[slot] = "rows";
            }

            _doc.Axes.Add(Dedup(axis));
        }
        else
        {
            _doc.SourceRejected = true;
        }
    }

    private void ReadGroup(YamlMappingNode group, string section, SourceMark mark)
    {
        var slots = new List<int>();
        var columns = new List<List<FieldValue>>();
        var placeholders = new List<FieldValue?>();
        var names = new List<string>();
        foreach (var (key, node) in group.Children)
        {
            var name = KeyName(key);
            var keyMark = key.MarkOf(_file);
            var slot = _doc.Keys.Declare(name, keyMark, isAxis: true);
            if (_axisOwner.TryGetValue(slot, out var owner))
            {
                _bag.Error(keyMark, name, $"'{name}' is already an axis in {owner}: a key can define one axis only");
                return;
            }

            _axisOwner[slot] = section;
            slots.Add(slot);
            names.Add(name);
            // A key whose list the schema rejected (not a list, empty) stands for one invalid value, repeated to the
            // group's length: the other keys and axes are still checked.
            var valid = node is YamlSequenceNode { Children.Count: > 0 } && !_rejected.Contains(node);
            placeholders.Add(valid ? null : FieldValue.Invalid(string.Empty, node.MarkOf(_file)));
            columns.Add(valid
                ? ((YamlSequenceNode)node).Children.Select(item => FieldValueParser.FromNode(name, item, _file, _bag, _rejected)).ToList()
                : []);
        }

        if (columns.Count == 0)
        {
            return;
        }

        var length = columns.Where((_, k) => placeholders[k] is null).Select(c => c.Count).DefaultIfEmpty(1).First();
        for (var k = 0; k < columns.Count; k++)
        {
            if (placeholders[k] is { } invalid)
            {
                columns[k] = Enumerable.Repeat(invalid, length).ToList();
            }
        }

        if (columns.Any(c => c.Count != length))
        {
            _bag.Error(mark, section, $"zip lists must have equal lengths, found {string.Join(", ", names.Zip(columns, (n, c) => $"{n}={c.Count}"))}");
            return;
        }

        var entries = new List<Pair[]>(length);
        for (var i = 0; i < length; i++)
        {
            var pairs = new Pair[slots.Count];
            for (var k = 0; k < slots.Count; k++)
            {
                pairs[k] = new Pair(slots[k], columns[k][i]);
            }

            entries.Add(pairs);
        }

        _doc.Axes.Add(Dedup(new Axis(string.Join("+", names), slots, entries, mark)));
    }

    private static string KeyName(YamlNode key) => (key as YamlScalarNode)?.Value ?? key.ToString();

    /// <summary>Drops repeated entries of an axis (same canonical values), with a warning.</summary>
    private Axis Dedup(Axis axis)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<Pair[]>(axis.Entries.Count);
        foreach (var entry in axis.Entries)
        {
            if (entry.Any(p => p.Value.IsRejected))
            {
                kept.Add(entry);
                continue;
            }

            var key = string.Join("\u001f", entry.Select(p => $"{p.Slot}\u001e{p.Value.Text}"));
            if (seen.Add(key))
            {
                kept.Add(entry);
            }
            else
            {
                var at = entry.Length > 0 ? entry[0].Value.Mark : axis.Mark;
                _bag.Warning(at, axis.Name, $"duplicate value {Describe(entry)} collapsed into one");
            }
        }

        return kept.Count == axis.Entries.Count ? axis : axis with { Entries = kept };
    }

    private string Describe(Pair[] entry) => string.Join(", ", entry.Select(p => $"{_doc.Keys.NameOf(p.Slot)}={p.Value.Text}"));

    private void ReadEntries(OrderedDictionary<string, YamlNode> s, string section, List<PartialEntry> target)
    {
        if (!s.TryGetValue(section, out var node) || node is not YamlSequenceNode list)
        {
            return;
        }

        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            var pairs = new List<Pair>();
            foreach (var (key, value) in item.Children)
            {
                var name = KeyName(key);
                var slot = _doc.Keys.Declare(name, key.MarkOf(_file), isAxis: false);
                pairs.Add(new Pair(slot, FieldValueParser.FromNode(name, value, _file, _bag, _rejected)));
            }

            target.Add(new PartialEntry([.. pairs], item.MarkOf(_file)));
        }
    }

    private decimal? ReadMoney(YamlMappingNode section, string key) =>
        section.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar && !_rejected.Contains(scalar)
        && decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private void ReadOutputStore(YamlMappingNode output, bool imageStoreGiven)
    {
        TimeSpan? lifetime = null;
        if (output.Children.TryGetValue(new YamlScalarNode("link_lifetime"), out var life) && life is YamlScalarNode l && !_rejected.Contains(l))
        {
            lifetime = StoreSections.ReadLifetime(l, _file, _bag);
        }

        if (!output.Children.TryGetValue(new YamlScalarNode("store"), out var node) || _rejected.Contains(node)
            || StoreSections.ReadOutputStore(node, _doc.ImageStore, imageStoreGiven, _file, _bag) is not { } store)
        {
            return;
        }

        var keepLocal = !(output.Children.TryGetValue(new YamlScalarNode("keep_local"), out var keep) && keep is YamlScalarNode { Value: "false" });
        _doc.OutputStore = new Storage.OutputStoreOptions(store)
        {
            KeepLocal = keepLocal,
            LinkLifetime = lifetime ?? Storage.S3StoreDefaults.LinkLifetime,
        };
    }

    private (Template, SourceMark)? ReadTemplate(YamlMappingNode output, string key)
    {
        if (!output.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is not YamlScalarNode scalar || _rejected.Contains(scalar))
        {
            return null;
        }

        var mark = scalar.MarkOf(_file);
        var template = Template.TryParse(scalar.Value ?? string.Empty, out var error);
        if (template is null)
        {
            _bag.Error(mark, "output." + key, error!);
            return null;
        }

        return (template, mark);
    }
}
