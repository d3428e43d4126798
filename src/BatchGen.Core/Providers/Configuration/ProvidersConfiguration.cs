using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
using BatchGen.Core.Webhooks;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Providers.Configuration;

/// <summary>
/// Provider settings: the built-in defaults (<see cref="ProviderCatalog.CreateDefaults"/>), then a providers file,
/// then a manifest's <c>providers:</c> section, each overriding field by field.
/// </summary>
public static class ProvidersConfiguration
{
    /// <summary>
    /// Applies a providers file (YAML: a top-level <c>providers:</c> mapping, or the provider mapping itself) over
    /// <paramref name="settings"/>. Returns the errors (empty on success); never throws for bad input.
    /// </summary>
    public static IReadOnlyList<Diagnostic> ApplyFile(string path, IDictionary<string, ProviderSettings> settings)
    {
        var bag = new DiagnosticBag();
        ApplyFile(path, settings, bag);
        return bag.Errors();
    }

    /// <summary>The defaults merged with an optional providers file.</summary>
    public static Dictionary<string, ProviderSettings> Load(string? providersFile, out IReadOnlyList<Diagnostic> errors)
    {
        var settings = ProviderCatalog.CreateDefaults();
        errors = providersFile is null ? [] : ApplyFile(providersFile, settings);
        return settings;
    }

    internal static void ApplyFile(string path, IDictionary<string, ProviderSettings> settings, DiagnosticBag bag) =>
        ApplyFile(path, settings, bag, out _);

    /// <summary>As above; <paramref name="webhook"/> is the file's <c>webhook:</c> section read over the defaults, or null.</summary>
    internal static void ApplyFile(string path, IDictionary<string, ProviderSettings> settings, DiagnosticBag bag, out WebhookSettings? webhook)
    {
        webhook = null;
        var root = YamlFile.Load(Path.GetFullPath(path), path, "providers", bag);
        if (root is null)
        {
            return;
        }

        var webhookKey = new YamlScalarNode("webhook");
        if (root.Children.TryGetValue(webhookKey, out var webhookNode))
        {
            webhook = WebhookConfigReader.Apply(webhookNode, path, null, bag);
        }

        var map = root.Children.TryGetValue(new YamlScalarNode("providers"), out var section) ? section : WithoutKey(root, webhookKey);
        if (map is not YamlMappingNode providers)
        {
            bag.Error(map.MarkOf(path), "providers", "expected a mapping of provider name -> settings");
            return;
        }

        ProvidersConfigReader.Apply(providers, path, settings, bag);
    }

    /// <summary>The file is the provider mapping itself: its <c>webhook:</c> key is not a provider.</summary>
    private static YamlMappingNode WithoutKey(YamlMappingNode root, YamlScalarNode key)
    {
        if (!root.Children.ContainsKey(key))
        {
            return root;
        }

        var copy = new YamlMappingNode();
        foreach (var (k, v) in root.Children.Where(c => !c.Key.Equals(key)))
        {
            copy.Add(k, v);
        }

        return copy;
    }
}
