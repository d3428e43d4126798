namespace BatchGen.Core.Manifests.Limits;

/// <summary>A YAML input passed one of the <see cref="ManifestLimits"/>; thrown by <see cref="BoundedYamlParser"/> and turned into a diagnostic.</summary>
internal sealed class YamlLimitException : Exception
{
    public YamlLimitException()
    {
    }

    public YamlLimitException(string message)
        : base(message)
    {
    }

    public YamlLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public YamlLimitException(int line, int column, string message)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; } = 1;

    public int Column { get; } = 1;
}
