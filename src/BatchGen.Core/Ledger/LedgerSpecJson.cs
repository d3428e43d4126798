using System.Buffers;
using System.Text.Json;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The compact <c>spec_json</c> a job row holds (schema step <c>compact_rows</c>): what the row's own columns say (id,
/// provider) is left out, <c>output_path</c> only when it is not <c>PROVIDER/ID.mp4</c>, <c>replicate</c> only when not 0,
/// and an axis whose value is the job's own field of that name (<c>provider</c>, or a parameter such as <c>prompt</c>)
/// is written as its bare name; any other axis is a <c>[name, value]</c> pair. Rows written before that step hold the
/// whole job (<c>id</c>, <c>provider</c>, axes as <c>{"key", "value"}</c> objects) and are read as they are.
/// </summary>
internal static class LedgerSpecJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(JobSpec spec)
    {
        var parameters = JsonSerializer.SerializeToElement(spec.Parameters, Options);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("parameters");
            parameters.WriteTo(json);
            if (spec.Replicate != 0)
            {
                json.WriteNumber("replicate", spec.Replicate);
            }

            json.WriteStartArray("axes");
            foreach (var (key, value) in spec.Axes)
            {
                if (string.Equals(Implied(key, spec.Provider, parameters), value, StringComparison.Ordinal))
                {
                    json.WriteStringValue(key);
                }
                else
                {
                    json.WriteStartArray();
                    json.WriteStringValue(key);
                    json.WriteStringValue(value);
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
            if (!string.Equals(spec.OutputPath, DefaultOutputPath(spec.Provider, spec.Id), StringComparison.Ordinal))
            {
                json.WriteString("output_path", spec.OutputPath);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a row's spec: the compact form (with the row's id and provider) or the whole job of older rows.</summary>
    public static JobSpec Read(string json, string? id, string? provider)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out _) || id is null || provider is null)
        {
            return root.Deserialize<JobSpec>(Options) ?? throw new JsonException("spec_json is null");
        }

        var parametersElement = root.GetProperty("parameters");
        var parameters = parametersElement.Deserialize<JobParameters>(Options) ?? throw new JsonException("spec_json has no parameters");
        var axes = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("axes", out var axesElement))
        {
            foreach (var axis in axesElement.EnumerateArray())
            {
                axes.Add(axis.ValueKind == JsonValueKind.String
                    ? new(axis.GetString()!, Implied(axis.GetString()!, provider, parametersElement)
                        ?? throw new JsonException($"spec_json axis '{axis.GetString()}' names no field of the job"))
                    : new(axis[0].GetString()!, axis[1].GetString()!));
            }
        }

        return new JobSpec
        {
            Id = id,
            Provider = provider,
            Parameters = parameters,
            Replicate = root.TryGetProperty("replicate", out var replicate) ? replicate.GetInt32() : 0,
            Axes = axes,
            OutputPath = root.TryGetProperty("output_path", out var path) ? path.GetString()! : DefaultOutputPath(provider, id),
        };
    }

    private static string DefaultOutputPath(string provider, string id) => $"{provider}/{id}.mp4";

    /// <summary>The text an axis named <paramref name="key"/> would have if it were the job's own field of that name.</summary>
    private static string? Implied(string key, string provider, JsonElement parameters)
    {
        if (string.Equals(key, "provider", StringComparison.Ordinal))
        {
            return provider;
        }

        if (!parameters.TryGetProperty(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }
}
