namespace BatchGen.Core.Jobs;

/// <summary>The five provider names, as written in manifests, configuration and the ledger.</summary>
public static class ProviderNames
{
    public const string Magnific = "magnific";
    public const string GmiCloud = "gmicloud";
    public const string AimlApi = "aimlapi";
    public const string Pixwith = "pixwith";
    public const string Segmind = "segmind";

    /// <summary>All provider names in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Magnific, GmiCloud, AimlApi, Pixwith, Segmind];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
