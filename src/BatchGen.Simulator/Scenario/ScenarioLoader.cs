using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace BatchGen.Simulator;

/// <summary>Reads a scenario YAML file (snake_case keys, anchors and <c>&lt;&lt;</c> merge keys allowed) and validates it.</summary>
internal static class ScenarioLoader
{
    public static async Task<SimulatorScenario> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SimulatorConfigException($"{path}: cannot read the scenario file: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates; throws <see cref="SimulatorConfigException"/> with <c>file:line:col: message</c>.</summary>
    public static SimulatorScenario Parse(string text, string fileName)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        SimulatorScenario? scenario;
        try
        {
            using var reader = new StringReader(text);
            scenario = deserializer.Deserialize<SimulatorScenario>(new MergingParser(new Parser(reader)));
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException is null ? Flatten(ex.Message) : Flatten(ex.InnerException.Message);
            throw new SimulatorConfigException($"{fileName}:{ex.Start.Line}:{ex.Start.Column}: {Describe(ex, inner)}", ex);
        }

        scenario ??= new SimulatorScenario();
        var problems = ScenarioValidator.Validate(scenario);
        if (problems.Count > 0)
        {
            var first = problems[0];
            var mark = Locate(text, first.Path);
            var more = problems.Count > 1 ? $" (and {problems.Count - 1} more)" : string.Empty;
            throw new SimulatorConfigException($"{fileName}:{mark.Line}:{mark.Column}: {first.PathText}: {first.Message}{more}");
        }

        return scenario;
    }

    /// <summary>Validates a scenario built in code.</summary>
    public static void Validate(SimulatorScenario scenario)
    {
        var problems = ScenarioValidator.Validate(scenario);
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? $" (and {problems.Count - 1} more)" : string.Empty;
            throw new SimulatorConfigException($"scenario: {problems[0].PathText}: {problems[0].Message}{more}");
        }
    }

    private static string Describe(YamlException ex, string inner)
    {
        if (ex.Message.Contains("not found on type", StringComparison.Ordinal))
        {
            var start = ex.Message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : ex.Message.IndexOf('\'', start + 1);
            var name = end > start ? ex.Message[(start + 1)..end] : "?";
            return $"unknown key '{name}' (check spelling; keys are snake_case)";
        }

        if (ex.InnerException is InvalidCastException)
        {
            return $"wrong kind of value here ({inner}); to reuse an anchor write a merge key {{ <<: *name }} instead of a plain *name";
        }

        return inner;
    }

    private static string Flatten(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        var cut = line.IndexOf(": ", StringComparison.Ordinal);
        return line.StartsWith('(') && cut > 0 ? line[(cut + 2)..] : line;
    }

    private static Mark Locate(string text, IReadOnlyList<string> path)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            if (stream.Documents.Count == 0)
            {
                return new Mark(1, 1);
            }

            YamlNode node = stream.Documents[0].RootNode;
            for (var i = 0; i < path.Count; i++)
            {
                if (node is not YamlMappingNode map)
                {
                    break;
                }

                var next = map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == path[i]);
                if (next.Key is null)
                {
                    break;
                }

                var last = i == path.Count - 1;
                node = last && next.Value is not YamlScalarNode ? next.Key : next.Value;
            }

            return new Mark(node.Start.Line, node.Start.Column);
        }
        catch (YamlException)
        {
            return new Mark(1, 1);
        }
    }

    private readonly record struct Mark(long Line, long Column);
}
