using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Yaml;

internal static class YamlMarks
{
    public static SourceMark MarkOf(this YamlNode node, string file) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>YAML 1.2 core null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(this YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain
        && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static bool IsPlain(this YamlScalarNode scalar) => scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;
}
