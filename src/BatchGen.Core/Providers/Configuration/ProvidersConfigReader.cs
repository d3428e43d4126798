using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Providers.Configuration;

/// <summary>
/// Applies a <c>providers:</c> mapping (from <c>--providers FILE</c> or a manifest) over provider settings, field by
/// field; fields not written keep their current value. Every bad value is reported with its file:line:col.
/// </summary>
internal sealed class ProvidersConfigReader
{
    private static readonly string[] Keys =
    [
        "base_url", "api_key_env", "concurrency", "rate_limit", "pricing", "charge_failed_jobs", "model", "mode",
        "nominal_latency_seconds", "poll_interval_seconds", "max_poll_interval_seconds", "request_timeout_seconds",
        "job_deadline_seconds", "webhook_url", "max_cost",
    ];

    private static readonly string[] PricingKeys = ["unit", "usd_per_credit", "base", "audio_add_on", "multi_clip_add_on"];

    private readonly string _file;
    private readonly DiagnosticBag _bag;

    private ProvidersConfigReader(string file, DiagnosticBag bag)
    {
        _file = file;
        _bag = bag;
    }

    public static void Apply(YamlMappingNode providers, string file, IDictionary<string, ProviderSettings> settings, DiagnosticBag bag)
    {
        var reader = new ProvidersConfigReader(file, bag);
        foreach (var (key, node) in providers.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            var mark = key.MarkOf(file);
            if (!settings.TryGetValue(name, out var target))
            {
                bag.Error(mark, "providers", $"unknown provider '{name}'{Suggestions.Hint(name, ProviderNames.All)} (known: {string.Join(", ", ProviderNames.All)})");
                continue;
            }

            if (node is YamlScalarNode empty && empty.IsNull())
            {
                continue;
            }

            if (node is not YamlMappingNode mapping)
            {
                bag.Error(node.MarkOf(file), $"providers.{name}", "expected a mapping of settings");
                continue;
            }

            reader.ApplyOne(name, mapping, target);
        }
    }

    private void ApplyOne(string provider, YamlMappingNode mapping, ProviderSettings s)
    {
        foreach (var (keyNode, node) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var field = $"providers.{provider}.{key}";
            var mark = node.MarkOf(_file);
            switch (key)
            {
                case "base_url":
                    if (Url(node, field) is { } baseUrl)
                    {
                        s.BaseUrl = baseUrl;
                    }

                    break;
                case "api_key_env":
                    if (Text(node, field) is { } env)
                    {
                        if (env.Length == 0 || !(char.IsAsciiLetter(env[0]) || env[0] == '_') || !env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                        {
                            _bag.Error(mark, field, $"'{env}' is not an environment variable name (letters, digits, underscore); write the variable's name, never the key itself");
                        }
                        else
                        {
                            s.ApiKeyEnv = env;
                        }
                    }

                    break;
                case "concurrency":
                    if (Number(node, field, min: 1, max: 1000, integer: true) is { } concurrency)
                    {
                        s.Concurrency = (int)concurrency;
                    }

                    break;
                case "rate_limit":
                    if (Text(node, field) is { } rate)
                    {
                        if (RateLimitSpec.TryParse(rate, out var spec))
                        {
                            s.RateLimit = spec;
                        }
                        else
                        {
                            _bag.Error(mark, field, $"'{rate}' is not a rate: write requests per period, e.g. 60/min, 2/s or 1000/h");
                        }
                    }

                    break;
                case "pricing":
                    ApplyPricing(provider, node, s);
                    break;
                case "charge_failed_jobs":
                    if (Bool(node, field) is { } charge)
                    {
                        s.ChargeFailedJobs = charge;
                    }

                    break;
                case "model":
                    if (Text(node, field) is { Length: > 0 } model)
                    {
                        s.Model = model;
                    }

                    break;
                case "mode":
                    if (Text(node, field) is { } mode)
                    {
                        if (provider != ProviderNames.Segmind)
                        {
                            _bag.Error(mark, field, $"mode applies to segmind only (sync v1 or async v2), not to {provider}");
                        }
                        else if (mode is ProviderModes.Sync or ProviderModes.Async)
                        {
                            s.Mode = mode;
                        }
                        else
                        {
                            _bag.Error(mark, field, $"'{mode}' must be sync or async");
                        }
                    }

                    break;
                case "nominal_latency_seconds":
                    s.NominalLatency = Seconds(node, field) ?? s.NominalLatency;
                    break;
                case "poll_interval_seconds":
                    s.PollInterval = Seconds(node, field) ?? s.PollInterval;
                    break;
                case "max_poll_interval_seconds":
                    s.MaxPollInterval = Seconds(node, field) ?? s.MaxPollInterval;
                    break;
                case "request_timeout_seconds":
                    s.RequestTimeout = Seconds(node, field) ?? s.RequestTimeout;
                    break;
                case "job_deadline_seconds":
                    s.JobDeadline = Seconds(node, field) ?? s.JobDeadline;
                    break;
                case "webhook_url":
                    if (provider != ProviderNames.Magnific)
                    {
                        _bag.Error(mark, field, $"webhook_url applies to magnific only; {provider} is polled");
                    }
                    else if (Url(node, field) is { } hook)
                    {
                        s.WebhookUrl = hook;
                    }

                    break;
                case "max_cost":
                    if (Number(node, field, min: 0, max: decimal.MaxValue, integer: false) is { } maxCost)
                    {
                        s.MaxCost = maxCost;
                    }

                    break;
                default:
                    _bag.Error(keyNode.MarkOf(_file), field, $"unknown provider setting '{key}'{Suggestions.Hint(key, Keys)}");
                    break;
            }
        }

        if (s.PollInterval > s.MaxPollInterval)
        {
            _bag.Error(mapping.MarkOf(_file), $"providers.{provider}", $"poll_interval_seconds ({s.PollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}) is above max_poll_interval_seconds ({s.MaxPollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private void ApplyPricing(string provider, YamlNode node, ProviderSettings s)
    {
        var prefix = $"providers.{provider}.pricing";
        if (node is not YamlMappingNode mapping)
        {
            _bag.Error(node.MarkOf(_file), prefix, "expected a mapping: unit, usd_per_credit, base, audio_add_on, multi_clip_add_on");
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
                    if (Text(value, field) is { } unit)
                    {
                        if (unit is PriceUnits.Usd or PriceUnits.Credits)
                        {
                            pricing.Unit = unit;
                        }
                        else
                        {
                            _bag.Error(value.MarkOf(_file), field, $"'{unit}' must be usd or credits");
                        }
                    }

                    break;
                case "usd_per_credit":
                    pricing.UsdPerCredit = Number(value, field, min: 0.0000001m, max: decimal.MaxValue, integer: false) ?? pricing.UsdPerCredit;
                    break;
                case "audio_add_on":
                    pricing.AudioAddOn = Number(value, field, min: 0, max: decimal.MaxValue, integer: false) ?? pricing.AudioAddOn;
                    break;
                case "multi_clip_add_on":
                    pricing.MultiClipAddOn = Number(value, field, min: 0, max: decimal.MaxValue, integer: false) ?? pricing.MultiClipAddOn;
                    break;
                case "base":
                    if (PriceGrid(value, field) is { } grid)
                    {
                        pricing.Base = grid;
                    }

                    break;
                default:
                    _bag.Error(keyNode.MarkOf(_file), field, $"unknown pricing key '{key}'{Suggestions.Hint(key, PricingKeys)}");
                    break;
            }
        }

        s.Pricing = pricing;
    }

    private Dictionary<string, Dictionary<int, decimal>>? PriceGrid(YamlNode node, string field)
    {
        if (node is not YamlMappingNode mapping)
        {
            _bag.Error(node.MarkOf(_file), field, "expected resolution -> duration -> price, e.g. {720p: {5: 0.6, 8: 1.2}}");
            return null;
        }

        var grid = new Dictionary<string, Dictionary<int, decimal>>(StringComparer.Ordinal);
        string[] resolutions = ["360p", "540p", "720p", "1080p"];
        foreach (var (resNode, row) in mapping.Children)
        {
            var resolution = (resNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!resolutions.Contains(resolution))
            {
                _bag.Error(resNode.MarkOf(_file), field, $"'{resolution}' is not a resolution (360p, 540p, 720p, 1080p)");
                continue;
            }

            if (row is not YamlMappingNode durations)
            {
                _bag.Error(row.MarkOf(_file), $"{field}.{resolution}", "expected duration -> price, e.g. {5: 0.6, 8: 1.2}");
                continue;
            }

            var prices = new Dictionary<int, decimal>();
            foreach (var (durNode, priceNode) in durations.Children)
            {
                var text = (durNode as YamlScalarNode)?.Value ?? string.Empty;
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is not (5 or 8 or 10))
                {
                    _bag.Error(durNode.MarkOf(_file), $"{field}.{resolution}", $"'{text}' is not a duration (5, 8 or 10)");
                    continue;
                }

                if (Number(priceNode, $"{field}.{resolution}.{seconds}", min: 0, max: decimal.MaxValue, integer: false) is { } price)
                {
                    prices[seconds] = price;
                }
            }

            grid[resolution] = prices;
        }

        return grid;
    }

    private string? Text(YamlNode node, string field)
    {
        if (node is YamlScalarNode scalar && !scalar.IsNull())
        {
            return scalar.Value ?? string.Empty;
        }

        _bag.Error(node.MarkOf(_file), field, "expected a single value");
        return null;
    }

    private Uri? Url(YamlNode node, string field)
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

    private bool? Bool(YamlNode node, string field)
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

    private decimal? Number(YamlNode node, string field, decimal min, decimal max, bool integer)
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

    private TimeSpan? Seconds(YamlNode node, string field) =>
        Number(node, field, min: 0.001m, max: 86_400m * 7, integer: false) is { } seconds ? TimeSpan.FromSeconds((double)seconds) : null;
}
