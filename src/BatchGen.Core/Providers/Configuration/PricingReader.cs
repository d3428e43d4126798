using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Providers.Configuration;

/// <summary>Applies a <c>pricing:</c> mapping over a provider's price table (<c>base</c> replaces the whole grid).</summary>
internal sealed class PricingReader
{
    private static readonly string[] PricingKeys = ["unit", "usd_per_credit", "base", "audio_add_on", "multi_clip_add_on"];

    private readonly ConfigValues _values;

    private PricingReader(ConfigValues values) => _values = values;

    public static void Apply(string prefix, YamlNode node, ProviderSettings s, ConfigValues values) =>
        new PricingReader(values).Run(prefix, node, s);

    private void Run(string prefix, YamlNode node, ProviderSettings s)
    {
        if (node is not YamlMappingNode mapping)
        {
            _values.Error(node, prefix, "expected a mapping: unit, usd_per_credit, base, audio_add_on, multi_clip_add_on");
            return;
        }

        var pricing = s.Pricing.Clone();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var field = $"{prefix}.{key}";
            switch (key)
            {
                case "unit":
                    if (_values.Text(value, field) is { } unit)
                    {
                        if (unit is PriceUnits.Usd or PriceUnits.Credits)
                        {
                            pricing.Unit = unit;
                        }
                        else
                        {
                            _values.Error(value, field, $"'{unit}' must be usd or credits");
                        }
                    }

                    break;
                case "usd_per_credit":
                    pricing.UsdPerCredit = _values.Number(value, field, min: 0.0000001m, max: decimal.MaxValue, integer: false) ?? pricing.UsdPerCredit;
                    break;
                case "audio_add_on":
                    pricing.AudioAddOn = _values.Number(value, field, min: 0, max: decimal.MaxValue, integer: false) ?? pricing.AudioAddOn;
                    break;
                case "multi_clip_add_on":
                    pricing.MultiClipAddOn = _values.Number(value, field, min: 0, max: decimal.MaxValue, integer: false) ?? pricing.MultiClipAddOn;
                    break;
                case "base":
                    if (PriceGrid(value, field) is { } grid)
                    {
                        pricing.Base = grid;
                    }

                    break;
                default:
                    _values.Error(keyNode, field, $"unknown pricing key '{key}'{Suggestions.Hint(key, PricingKeys)}");
                    break;
            }
        }

        s.Pricing = pricing;
    }

    private Dictionary<string, Dictionary<int, decimal>>? PriceGrid(YamlNode node, string field)
    {
        if (node is not YamlMappingNode mapping)
        {
            _values.Error(node, field, "expected resolution -> duration -> price, e.g. {720p: {5: 0.6, 8: 1.2}}");
            return null;
        }

        var grid = new Dictionary<string, Dictionary<int, decimal>>(StringComparer.Ordinal);
        string[] resolutions = ["360p", "540p", "720p", "1080p"];
        foreach (var (resNode, row) in mapping.Children)
        {
            var resolution = (resNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!resolutions.Contains(resolution))
            {
                _values.Error(resNode, field, $"'{resolution}' is not a resolution (360p, 540p, 720p, 1080p)");
                continue;
            }

            if (row is not YamlMappingNode durations)
            {
                _values.Error(row, $"{field}.{resolution}", "expected duration -> price, e.g. {5: 0.6, 8: 1.2}");
                continue;
            }

            var prices = new Dictionary<int, decimal>();
            foreach (var (durNode, priceNode) in durations.Children)
            {
                var text = (durNode as YamlScalarNode)?.Value ?? string.Empty;
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is not (5 or 8 or 10))
                {
                    _values.Error(durNode, $"{field}.{resolution}", $"'{text}' is not a duration (5, 8 or 10)");
                    continue;
                }

                if (_values.Number(priceNode, $"{field}.{resolution}.{seconds}", min: 0, max: decimal.MaxValue, integer: false) is { } price)
                {
                    prices[seconds] = price;
                }
            }

            grid[resolution] = prices;
        }

        return grid;
    }
}
