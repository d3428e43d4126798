using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Yaml;

/// <summary>
/// The YAML nodes an earlier check (the JSON schema) already reported. Later readers skip them, so one bad value is
/// reported once while every other value is still read and checked.
/// </summary>
internal sealed class RejectedNodes
{
    private readonly HashSet<YamlNode> _nodes = new(ReferenceEqualityComparer.Instance);

    public static RejectedNodes None { get; } = new();

    public int Count => _nodes.Count;

    public void Add(YamlNode node) => _nodes.Add(node);

    public bool Contains(YamlNode node) => _nodes.Count > 0 && _nodes.Contains(node);

    /// <summary>The node or any node inside it was rejected.</summary>
    public bool ContainsWithin(YamlNode node) => _nodes.Count > 0 && node.AllNodes.Any(_nodes.Contains);
}
