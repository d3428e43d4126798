using BatchGen.Core.Manifests.Limits;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Yaml;

/// <summary>
/// Reads a YAML file into a node tree; every failure (missing, directory, not a regular file, too large, malformed,
/// past a <see cref="ManifestLimits"/> bound) is a diagnostic.
/// </summary>
internal static class YamlFile
{
    /// <param name="knownTopLevelKeys">Top-level keys the caller reads; aliases under other keys are not expanded (see <see cref="BoundedYamlParser"/>).</param>
    public static YamlMappingNode? Load(string fullPath, string display, string what, DiagnosticBag bag, IReadOnlySet<string>? knownTopLevelKeys = null)
    {
        var start = new SourceMark(display, 1, 1);
        if (!FileChecks.CheckReadable(fullPath, start, what, ManifestLimits.MaxYamlBytes, bag, out var text))
        {
            return null;
        }

        var stream = new YamlStream();
        var parser = new TrackingParser(new BoundedYamlParser(new Parser(new StringReader(text)), knownTopLevelKeys));
        try
        {
            stream.Load(parser);
        }
        catch (YamlLimitException ex)
        {
            bag.Error(new SourceMark(display, ex.Line, ex.Column), what, ex.Message);
            return null;
        }
        catch (YamlException ex)
        {
            var mark = new SourceMark(display, (int)ex.Start.Line, (int)ex.Start.Column);
            bag.Error(mark, what, "malformed YAML: " + Clean(ex));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner can fail this way on some unclosed flow collections; report where parsing stopped.
            var mark = new SourceMark(display, (int)parser.LastGood.Line, (int)parser.LastGood.Column);
            bag.Error(mark, what, "malformed YAML after this point: check for an unclosed [ or {, a stray quote or bad indentation");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            bag.Error(start, what, "the file is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            bag.Error(stream.Documents[1].RootNode.MarkOf(display), what, "more than one YAML document ('---'): put one manifest per file");
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            bag.Error(stream.Documents[0].RootNode.MarkOf(display), what, "expected a mapping of key: value at the top level");
            return null;
        }

        return root;
    }

    /// <summary>Remembers where the last event that parsed correctly ended.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastGood { get; private set; } = new(0, 1, 1);

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastGood = current.End;
            }

            return moved;
        }
    }

    private static string Clean(YamlException ex)
    {
        var message = (ex.InnerException is { } inner && ex.Message.StartsWith('(') ? inner.Message : ex.Message).Trim();
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
