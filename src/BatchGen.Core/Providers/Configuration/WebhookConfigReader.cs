using System.Net;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Yaml;
using BatchGen.Core.Webhooks;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Providers.Configuration;

/// <summary>
/// Reads a <c>webhook:</c> mapping (<c>listen</c>, <c>public_url</c>) from a providers file or a manifest over the
/// settings read so far; a null value (<c>webhook: null</c>) turns webhooks off again. Bad values are located errors.
/// </summary>
internal static class WebhookConfigReader
{
    private static readonly string[] Keys = ["listen", "public_url"];

    /// <param name="rejected">Nodes the manifest schema already reported: skipped.</param>
    public static WebhookSettings? Apply(YamlNode node, string file, WebhookSettings? current, DiagnosticBag bag, RejectedNodes? rejected = null)
    {
        rejected ??= RejectedNodes.None;
        if (node is YamlScalarNode scalar && scalar.IsNull())
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            bag.Error(node.MarkOf(file), "webhook", "expected a mapping: {listen: \"127.0.0.1:8787\", public_url: \"https://example.com/hooks\"}");
            return current;
        }

        var values = new ConfigValues(file, bag);
        var settings = current?.Clone() ?? new WebhookSettings();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (rejected.Contains(keyNode) || rejected.ContainsWithin(value))
            {
                continue;
            }

            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var field = "webhook." + key;
            switch (key)
            {
                case "listen":
                    if (values.Text(value, field) is { } listen)
                    {
                        if (ParseListen(listen) is { } endPoint)
                        {
                            settings.Listen = endPoint;
                        }
                        else
                        {
                            bag.Error(value.MarkOf(file), field, $"'{listen}' is not an address and port to listen on; write host:port, e.g. 127.0.0.1:8787 or 0.0.0.0:8787 (port 0 = any free port)");
                        }
                    }

                    break;
                case "public_url":
                    if (values.Url(value, field) is { } url)
                    {
                        settings.PublicUrl = url;
                    }

                    break;
                default:
                    bag.Error(keyNode.MarkOf(file), field, $"unknown webhook setting '{key}'{Suggestions.Hint(key, Keys)} (known: {string.Join(", ", Keys)})");
                    break;
            }
        }

        return settings;
    }

    /// <summary><c>host:port</c> with an IP address or <c>localhost</c>; IPv6 in brackets.</summary>
    public static IPEndPoint? ParseListen(string text)
    {
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1:" + text["localhost:".Length..];
        }

        return IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':', StringComparison.Ordinal)
            && (endPoint.Address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('['))
            ? endPoint
            : null;
    }
}
