using System.Text.Json;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The compact <c>spec_json</c> a job row holds (schema step <c>compact_rows</c>): what the row's own columns say (id,
/// provider) is left out, <c>output_path</c> only when it is not <c>PROVIDER/ID.mp4</c>, <c>replicate</c> only when not 0,
/// and an axis whose value is the job's own field of that name (<c>provider</c>, or a parameter such as <c>prompt</c>)
/// is written as its bare name; any other axis is a <c>[name, value]</c> pair (from <c>compact_values</c> on, a SQLite
/// ledger writes axes that are all bare names as the number of a list shared by the ledger, <see cref="LedgerAxisLists"/>).
/// Rows written before that step hold the whole job (<c>id</c>, <c>provider</c>, axes as <c>{"key", "value"}</c> objects) and are read as they are.
/// </summary>
internal static class LedgerSpecJson
{
    /// <summary>How a spec's parameters are written and read (snake_case names, nulls left out).</summary>
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The row's <c>spec_json</c>. With <paramref name="sharedAxes"/> (a SQLite ledger from <c>compact_values</c> on), axes
    /// that are all the job's own fields are written as the number of their list of names (<see cref="LedgerAxisLists"/>).
    /// Many jobs in a row: <see cref="LedgerSpecWriter"/>, which reuses its buffers.
    /// </summary>
    public static string Write(JobSpec spec, Func<IReadOnlyList<string>, long>? sharedAxes = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var writer = new LedgerSpecWriter();
        writer.Write(spec, sharedAxes);
        return System.Text.Encoding.UTF8.GetString(writer.Stored.Span);
    }

    /// <summary>
    /// Reads a row's spec: the compact form (with the row's id and provider) or the whole job of older rows. Axes given as
    /// a list's number are looked up with <paramref name="sharedAxes"/> (a SQLite ledger's <see cref="LedgerAxisLists"/>).
    /// </summary>
    public static JobSpec Read(string json, string? id, string? provider, Func<long, IReadOnlyList<string>?>? sharedAxes = null)
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
        if (root.TryGetProperty("axes", out var axesElement) && axesElement.ValueKind == JsonValueKind.Number)
        {
            var list = sharedAxes?.Invoke(axesElement.GetInt64())
                ?? throw new JsonException($"spec_json names axis list {axesElement.GetRawText()}, which this ledger does not hold");
            foreach (var name in list)
            {
                axes.Add(new(name, Implied(name, provider, parametersElement)
                    ?? throw new JsonException($"spec_json axis '{name}' names no field of the job")));
            }
        }
        else if (axesElement.ValueKind == JsonValueKind.Array)
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

    internal static string DefaultOutputPath(string provider, string id) => $"{provider}/{id}.mp4";

    /// <summary>
    /// The axes as a list: a bare name for an axis that is the job's own field (<paramref name="implied"/>, one per axis),
    /// else a <c>[name, value]</c> pair. True when every axis is the job's own field.
    /// </summary>
    internal static bool WriteAxes(Utf8JsonWriter json, JobSpec spec, ReadOnlySpan<bool> implied)
    {
        var allImplied = true;
        json.WriteStartArray("axes");
        for (var i = 0; i < spec.Axes.Count; i++)
        {
            var axis = spec.Axes[i];
            if (implied[i])
            {
                json.WriteStringValue(axis.Key);
            }
            else
            {
                allImplied = false;
                json.WriteStartArray();
                json.WriteStringValue(axis.Key);
                json.WriteStringValue(axis.Value);
                json.WriteEndArray();
            }
        }

        json.WriteEndArray();
        return allImplied;
    }

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
