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
        "job_deadline_seconds", "webhook_url", "webhook_secret_env", "max_cost", "idempotent_submits", "reported_credit_usd",
    ];

    private readonly string _file;
    private readonly DiagnosticBag _bag;
    private readonly ConfigValues _values;
    private readonly RejectedNodes _rejected;

    private ProvidersConfigReader(string file, DiagnosticBag bag, RejectedNodes rejected)
    {
        _file = file;
        _bag = bag;
        _rejected = rejected;
        _values = new ConfigValues(file, bag);
    }

    /// <param name="rejected">Nodes the manifest schema already reported: skipped (with the setting they belong to).</param>
    public static void Apply(YamlMappingNode providers, string file, IDictionary<string, ProviderSettings> settings, DiagnosticBag bag, RejectedNodes? rejected = null)
    {
        rejected ??= RejectedNodes.None;
        if (rejected.Contains(providers))
        {
            return;
        }

        var reader = new ProvidersConfigReader(file, bag, rejected);
        foreach (var (key, node) in providers.Children)
        {
            if (rejected.Contains(key) || rejected.Contains(node))
            {
                continue;
            }

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
            if (_rejected.Contains(keyNode) || _rejected.ContainsWithin(node))
            {
                continue;
            }

            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var field = $"providers.{provider}.{key}";
            var mark = node.MarkOf(_file);
            switch (key)
            {
                case "base_url":
                    if (_values.Url(node, field) is { } baseUrl)
                    {
                        s.BaseUrl = baseUrl;
                    }

                    break;
                case "api_key_env":
                    if (VariableName(node, field, "key") is { } env)
                    {
                        s.ApiKeyEnv = env;
                    }

                    break;
                case "webhook_secret_env":
                    if (provider != ProviderNames.Magnific)
                    {
                        _bag.Error(mark, field, $"webhook_secret_env applies to magnific only; {provider} sends no webhooks");
                    }
                    else if (VariableName(node, field, "secret") is { } secretEnv)
                    {
                        s.WebhookSecretEnv = secretEnv;
                    }

                    break;
                case "concurrency":
                    if (_values.Number(node, field, min: 1, max: 1000, integer: true) is { } concurrency)
                    {
                        s.Concurrency = (int)concurrency;
                    }

                    break;
                case "rate_limit":
                    if (_values.Text(node, field) is { } rate)
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
                    PricingReader.Apply($"providers.{provider}.pricing", node, s, _values);
                    break;
                case "charge_failed_jobs":
                    if (_values.Bool(node, field) is { } charge)
                    {
                        s.ChargeFailedJobs = charge;
                    }

                    break;
                case "model":
                    if (_values.Text(node, field) is { Length: > 0 } model)
                    {
                        s.Model = model;
                    }

                    break;
                case "mode":
                    if (_values.Text(node, field) is { } mode)
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
                            _bag.Error(mark, field, $"'{mode}' must be sync or async{Suggestions.ValueHint(mode, [ProviderModes.Sync, ProviderModes.Async])}");
                        }
                    }

                    break;
                case "nominal_latency_seconds":
                    s.NominalLatency = _values.Seconds(node, field) ?? s.NominalLatency;
                    break;
                case "poll_interval_seconds":
                    s.PollInterval = _values.Seconds(node, field) ?? s.PollInterval;
                    break;
                case "max_poll_interval_seconds":
                    s.MaxPollInterval = _values.Seconds(node, field) ?? s.MaxPollInterval;
                    break;
                case "request_timeout_seconds":
                    s.RequestTimeout = _values.Seconds(node, field) ?? s.RequestTimeout;
                    break;
                case "job_deadline_seconds":
                    s.JobDeadline = _values.Seconds(node, field) ?? s.JobDeadline;
                    break;
                case "webhook_url":
                    if (provider != ProviderNames.Magnific)
                    {
                        _bag.Error(mark, field, $"webhook_url applies to magnific only; {provider} is polled");
                    }
                    else if (_values.Url(node, field) is { } hook)
                    {
                        s.WebhookUrl = hook;
                    }

                    break;
                case "idempotent_submits":
                    if (_values.Bool(node, field) is { } idempotent)
                    {
                        s.IdempotentSubmits = idempotent;
                    }

                    break;
                case "reported_credit_usd":
                    if (_values.Number(node, field, min: 0, max: decimal.MaxValue, integer: false) is { } creditUsd)
                    {
                        s.ReportedCreditUsd = creditUsd;
                    }

                    break;
                case "max_cost":
                    if (_values.Number(node, field, min: 0, max: decimal.MaxValue, integer: false) is { } maxCost)
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

    private string? VariableName(YamlNode node, string field, string what)
    {
        if (_values.Text(node, field) is not { } env)
        {
            return null;
        }

        if (env.Length == 0 || !(char.IsAsciiLetter(env[0]) || env[0] == '_') || !env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            _bag.Error(node.MarkOf(_file), field, $"'{env}' is not an environment variable name (letters, digits, underscore); write the variable's name, never the {what} itself");
            return null;
        }

        return env;
    }
}
