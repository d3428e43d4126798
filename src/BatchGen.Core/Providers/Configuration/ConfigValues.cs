using System.Globalization;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Providers.Configuration;

/// <summary>Reads one typed setting value from a YAML node; a bad value becomes a located diagnostic and null.</summary>
internal sealed class ConfigValues(string file, DiagnosticBag bag)
{
    private readonly string _file = file;
    private readonly DiagnosticBag _bag = bag;

    public void Error(YamlNode node, string field, string message) => _bag.Error(node.MarkOf(_file), field, message);

    public string? Text(YamlNode node, string field)
    {
        if (node is YamlScalarNode scalar && !scalar.IsNull())
        {
            return scalar.Value ?? string.Empty;
        }

        _bag.Error(node.MarkOf(_file), field, "expected a single value");
        return null;
    }

    public Uri? Url(YamlNode node, string field)
    {
        var text = Text(node, field);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        _bag.Error(node.MarkOf(_file), field, $"'{text}' is not an absolute http or https URL");
        return null;
    }

    public bool? Bool(YamlNode node, string field)
    {
        var text = Text(node, field);
        if (text is null)
        {
            return null;
        }

        if (ScalarTyping.TryBoolean(text, out var value))
        {
            return value;
        }

        _bag.Error(node.MarkOf(_file), field, $"expected true or false, found '{text}'");
        return null;
    }

    public decimal? Number(YamlNode node, string field, decimal min, decimal max, bool integer)
    {
        var text = Text(node, field);
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || (integer && value != decimal.Truncate(value)))
        {
            _bag.Error(node.MarkOf(_file), field, $"expected {(integer ? "a whole number" : "a number")}, found '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            _bag.Error(node.MarkOf(_file), field, max == decimal.MaxValue
                ? $"{text} must be at least {min.ToString(CultureInfo.InvariantCulture)}"
                : $"{text} is out of range {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return value;
    }

    public TimeSpan? Seconds(YamlNode node, string field) =>
        Number(node, field, min: 0.001m, max: 86_400m * 7, integer: false) is { } seconds ? TimeSpan.FromSeconds((double)seconds) : null;
}
