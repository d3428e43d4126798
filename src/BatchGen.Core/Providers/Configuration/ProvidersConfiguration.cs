using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
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

    internal static void ApplyFile(string path, IDictionary<string, ProviderSettings> settings, DiagnosticBag bag)
    {
        var root = YamlFile.Load(Path.GetFullPath(path), path, "providers", bag);
        if (root is null)
        {
            return;
        }

        var map = root.Children.TryGetValue(new YamlScalarNode("providers"), out var section) ? section : root;
        if (map is not YamlMappingNode providers)
        {
            bag.Error(map.MarkOf(path), "providers", "expected a mapping of provider name -> settings");
            return;
        }

        ProvidersConfigReader.Apply(providers, path, settings, bag);
    }
}
