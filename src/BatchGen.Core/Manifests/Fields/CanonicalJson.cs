using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BatchGen.Core.Manifests.Fields;

/// <summary>Canonical form of JSON data: object keys sorted (ordinal) at every depth, no whitespace.</summary>
internal static class CanonicalJson
{
    public static IReadOnlyDictionary<string, JsonElement> Canonicalize(JsonElement root, out string canonical)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root);
        }

        canonical = Encoding.UTF8.GetString(buffer.WrittenSpan);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var result = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }

    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
