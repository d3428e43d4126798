using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Fields;

/// <summary>
/// Reads one value for one key, from a YAML node or a CSV cell, into a <see cref="FieldValue"/>: job fields are
/// parsed and checked (so a bad value is reported once, at the place it was written); other keys are template
/// variables and stay text.
/// </summary>
internal static class FieldValueParser
{
    /// <summary>
    /// Parses <paramref name="node"/> for <paramref name="key"/>. A node the schema rejected, or a value that fails here,
    /// comes back as <see cref="FieldValue.Invalid"/> (reported once, skipped by later checks); never null.
    /// </summary>
    public static FieldValue FromNode(string key, YamlNode node, string file, DiagnosticBag bag, RejectedNodes rejected)
    {
        var mark = node.MarkOf(file);
        if (rejected.Contains(node))
        {
            return FieldValue.Invalid((node as YamlScalarNode)?.Value ?? string.Empty, mark);
        }

        if (JobFields.TryGet(key, out var field) && field.Kind == FieldKind.Object)
        {
            if (node is not YamlMappingNode)
            {
                bag.Error(mark, key, "expected a mapping of key: value passed to the provider as is");
                return FieldValue.Invalid(string.Empty, mark);
            }

            return ExtraFromJson(YamlToJson.ToCompactJson(node, file), mark, key, bag) ?? FieldValue.Invalid(string.Empty, mark);
        }

        if (node is not YamlScalarNode scalar || scalar.IsNull())
        {
            bag.Error(mark, key, node is YamlScalarNode ? "value missing: write a value or remove the key" : "expected a single value");
            return FieldValue.Invalid(string.Empty, mark);
        }

        return FromText(key, scalar.Value ?? string.Empty, mark, bag);
    }

    /// <summary>Parses text (a YAML scalar or a CSV cell) for <paramref name="key"/>; a bad value is reported and comes back invalid.</summary>
    public static FieldValue FromText(string key, string text, SourceMark mark, DiagnosticBag bag) =>
        Parse(key, text, mark, bag) ?? FieldValue.Invalid(text, mark);

    private static FieldValue? Parse(string key, string text, SourceMark mark, DiagnosticBag bag)
    {
        if (!JobFields.TryGet(key, out var field))
        {
            return new FieldValue(text, mark, text);
        }

        switch (field.Kind)
        {
            case FieldKind.Enum:
                var word = text.Trim();
                var match = AllowedMatch(field, word);
                if (match is null)
                {
                    bag.Error(mark, key, $"'{text}' is not one of: {string.Join(", ", field.Allowed)}{Suggestions.ValueHint(word, field.Allowed)}");
                    return null;
                }

                return new FieldValue(match, mark, match);
            case FieldKind.Integer:
                return ParseInteger(field, text, mark, bag);
            case FieldKind.Boolean:
                if (!ScalarTyping.TryBoolean(text, out var flag))
                {
                    bag.Error(mark, key, $"expected true or false, found '{text}' (yes/no/on/off are not booleans here)");
                    return null;
                }

                return new FieldValue(flag ? "true" : "false", mark, flag);
            case FieldKind.Template:
                var template = Template.TryParse(text, out var error);
                if (template is null)
                {
                    bag.Error(mark, key, error!);
                    return null;
                }

                if (field.Index == JobFields.Prompt && template.IsConstant && string.IsNullOrWhiteSpace(text))
                {
                    bag.Error(mark, key, "must not be empty");
                    return null;
                }

                return new FieldValue(text, mark, template);
            case FieldKind.Object:
                return ExtraFromJson(text, mark, key, bag);
            default:
                return new FieldValue(text, mark, text);
        }
    }

    /// <summary>The allowed value <paramref name="word"/> names, ignoring case (a loop: every CSV row parses its enum cells again on each expansion).</summary>
    private static string? AllowedMatch(FieldInfo field, string word)
    {
        var allowed = field.Allowed;
        for (var i = 0; i < allowed.Count; i++)
        {
            if (allowed[i].Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return allowed[i];
            }
        }

        return null;
    }

    private static FieldValue? ParseInteger(FieldInfo field, string text, SourceMark mark, DiagnosticBag bag)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            bag.Error(mark, field.Name, $"expected a whole number, found '{text}'");
            return null;
        }

        var canonical = SmallIntegers.Text(value);
        if (field.Allowed.Count > 0 && !field.Allowed.Contains(canonical))
        {
            bag.Error(mark, field.Name, $"{canonical} is not one of: {string.Join(", ", field.Allowed)}");
            return null;
        }

        if (value < field.Min || value > field.Max)
        {
            bag.Error(mark, field.Name, $"{canonical} is out of range {field.Min}..{field.Max}");
            return null;
        }

        var parsed = field.Index == JobFields.Seed ? SmallIntegers.BoxedLong(value) : SmallIntegers.BoxedInt((int)value);
        return new FieldValue(canonical, mark, parsed);
    }

    private static FieldValue? ExtraFromJson(string json, SourceMark mark, string key, DiagnosticBag bag)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                bag.Error(mark, key, "expected a JSON object such as {\"key\": 1}");
                return null;
            }

            var extra = CanonicalJson.Canonicalize(document.RootElement, out var canonical);
            return new FieldValue(canonical, mark, extra);
        }
        catch (JsonException ex)
        {
            bag.Error(mark, key, $"not valid JSON: {ex.Message.Split('.')[0]}");
            return null;
        }
    }
}
