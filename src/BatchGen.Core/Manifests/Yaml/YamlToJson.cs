using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Yaml;

/// <summary>
/// Converts a YAML node tree to JSON text for schema validation, writing every key and every value on its own
/// line and remembering which YAML mark each JSON line came from, so schema errors map back to line:column.
/// </summary>
internal sealed class YamlToJson
{
    private readonly StringBuilder _json = new();
    private readonly List<SourceMark> _lines = [];
    private readonly List<SourceMark> _keyLines = [];
    private readonly List<YamlNode?> _nodes = [];
    private readonly List<YamlNode?> _keyNodes = [];
    private SourceMark? _currentKey;
    private YamlNode? _currentKeyNode;
    private readonly string _file;

    private YamlToJson(string file) => _file = file;

    public string Json => _json.ToString();

    /// <summary>Mark of a 1-based JSON line.</summary>
    public SourceMark MarkOfLine(int line) =>
        line >= 1 && line <= _lines.Count ? _lines[line - 1] : new SourceMark(_file, 1, 1);

    /// <summary>Mark of the mapping key whose value starts on a 1-based JSON line (for "unknown key" errors).</summary>
    public SourceMark KeyMarkOfLine(int line) =>
        line >= 1 && line <= _keyLines.Count ? _keyLines[line - 1] : MarkOfLine(line);

    /// <summary>The YAML node a 1-based JSON line was written for (a key, a value or a collection), or null.</summary>
    public YamlNode? NodeOfLine(int line) => line >= 1 && line <= _nodes.Count ? _nodes[line - 1] : null;

    /// <summary>The mapping key whose value starts on a 1-based JSON line, or null.</summary>
    public YamlNode? KeyNodeOfLine(int line) => line >= 1 && line <= _keyNodes.Count ? _keyNodes[line - 1] : null;

    public static YamlToJson Convert(YamlNode root, string file)
    {
        var converter = new YamlToJson(file);
        converter.Write(root, null, typed: false);
        return converter;
    }

    /// <summary>Compact JSON of a free-form subtree (YAML 1.2 core typing), for <c>extra</c>.</summary>
    public static string ToCompactJson(YamlNode node, string file)
    {
        var converter = new YamlToJson(file);
        converter.Write(node, null, typed: true);
        return converter._json.Replace("\n", string.Empty).ToString();
    }

    private void Line(SourceMark mark, YamlNode node)
    {
        if (_lines.Count > 0)
        {
            _json.Append('\n');
        }

        _lines.Add(mark);
        _keyLines.Add(_currentKey ?? mark);
        _nodes.Add(node);
        _keyNodes.Add(_currentKeyNode);
    }

    private void Write(YamlNode node, string? key, bool typed)
    {
        var mark = node.MarkOf(_file);
        switch (node)
        {
            case YamlMappingNode mapping:
                Line(mark, node);
                _json.Append('{');
                var first = true;
                foreach (var (k, v) in mapping.Children)
                {
                    var name = k is YamlScalarNode s ? s.Value ?? string.Empty : k.ToString();
                    Line(k.MarkOf(_file), k);
                    _json.Append(first ? string.Empty : ",").Append(Quote(name));
                    first = false;
                    _currentKey = k.MarkOf(_file);
                    _currentKeyNode = k;
                    Line(v.MarkOf(_file), v);
                    _json.Append(':');
                    Write(v, name, typed || ScalarTyping.StartsTypedSubtree(name));
                }

                Line(mark, node);
                _json.Append('}');
                break;
            case YamlSequenceNode sequence:
                Line(mark, node);
                _json.Append('[');
                var firstItem = true;
                foreach (var item in sequence.Children)
                {
                    Line(item.MarkOf(_file), item);
                    if (!firstItem)
                    {
                        _json.Append(',');
                    }

                    firstItem = false;
                    Write(item, key, typed);
                }

                Line(mark, node);
                _json.Append(']');
                break;
            case YamlScalarNode scalar:
                _json.Append(ScalarJson(scalar, key, typed));
                break;
            default:
                _json.Append("null");
                break;
        }
    }

    private static string ScalarJson(YamlScalarNode scalar, string? key, bool typed)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.IsNull())
        {
            return "null";
        }

        var plain = scalar.IsPlain();
        if (typed)
        {
            if (plain && ScalarTyping.TryBoolean(text, out var b) && text is "true" or "false" or "True" or "False" or "TRUE" or "FALSE")
            {
                return b ? "true" : "false";
            }

            return plain && ScalarTyping.TryNumber(text, out var n) && LooksNumeric(text) ? n : Quote(text);
        }

        if (ScalarTyping.IsNumericKey(key) && ScalarTyping.TryNumber(text, out var number) && LooksNumeric(text))
        {
            return number;
        }

        if (ScalarTyping.IsBooleanKey(key) && ScalarTyping.TryBoolean(text, out var flag))
        {
            return flag ? "true" : "false";
        }

        return Quote(text);
    }

    private static bool LooksNumeric(string text)
    {
        var t = text.Trim();
        return t.Length > 0 && (char.IsAsciiDigit(t[0]) || t[0] is '-' or '+' or '.');
    }

    private static string Quote(string text) =>
        "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
}
