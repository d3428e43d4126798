using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Writes a job's <c>spec_json</c> (the compact form, <see cref="LedgerSpecJson"/>) as UTF-8 into buffers it reuses from
/// one job to the next: <see cref="Whole"/>, the form every backend writes and the manifest's key hashes, and
/// <see cref="Stored"/>, the row a SQLite ledger writes (axes that are all the job's own fields as the number of their
/// shared list). The two differ only in their <c>"axes"</c> member, so the job is serialized once and the stored form
/// is the whole one with that member replaced. Not thread-safe: one per sync or key computation.
/// </summary>
internal sealed class LedgerSpecWriter : IDisposable
{
    private static readonly byte[] SharedAxesMember = ",\"axes\":"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _whole = new(512);
    private readonly ArrayBufferWriter<byte> _stored = new(512);
    private readonly Utf8JsonWriter _json;
    private readonly List<string> _names = [];
    private bool[] _implied = new bool[8];
    private bool _shared;

    public LedgerSpecWriter()
    {
        _json = new Utf8JsonWriter(_whole);
    }

    /// <summary>The last job's spec as every backend writes it (no shared axis list).</summary>
    public ReadOnlyMemory<byte> Whole => _whole.WrittenMemory;

    /// <summary>The last job's spec as its row holds it: with the shared list's number when one was given, else <see cref="Whole"/>.</summary>
    public ReadOnlyMemory<byte> Stored => _shared ? _stored.WrittenMemory : _whole.WrittenMemory;

    /// <summary>
    /// Writes <paramref name="spec"/>. With <paramref name="sharedAxes"/> (a SQLite ledger from <c>compact_values</c> on),
    /// axes that are all the job's own fields are stored as the number of their list of names.
    /// </summary>
    public void Write(JobSpec spec, Func<IReadOnlyList<string>, long>? sharedAxes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _whole.ResetWrittenCount();
        _stored.ResetWrittenCount();
        _json.Reset(_whole);
        _json.WriteStartObject();
        _json.WritePropertyName("parameters");
        _json.Flush();
        var parametersStart = _whole.WrittenCount;
        JsonSerializer.Serialize(_json, spec.Parameters, LedgerSpecJson.Options);
        _json.Flush();
        var implied = Implied(spec, _whole.WrittenSpan[parametersStart..]);
        if (spec.Replicate != 0)
        {
            _json.WriteNumber("replicate", spec.Replicate);
        }

        // The axes member (with the comma before it) lies between these two positions of the whole form.
        _json.Flush();
        var axesStart = _whole.WrittenCount;
        var allImplied = LedgerSpecJson.WriteAxes(_json, spec, implied);
        _json.Flush();
        var axesEnd = _whole.WrittenCount;
        if (!string.Equals(spec.OutputPath, LedgerSpecJson.DefaultOutputPath(spec.Provider, spec.Id), StringComparison.Ordinal))
        {
            _json.WriteString("output_path", spec.OutputPath);
        }

        _json.WriteEndObject();
        _json.Flush();

        _shared = sharedAxes is not null && spec.Axes.Count > 0 && allImplied;
        if (_shared)
        {
            _names.Clear();
            foreach (var axis in spec.Axes)
            {
                _names.Add(axis.Key);
            }

            var whole = _whole.WrittenSpan;
            _stored.Write(whole[..axesStart]);
            _stored.Write(SharedAxesMember);
            var number = _stored.GetSpan(20);
            Utf8Formatter.TryFormat(sharedAxes!(_names), number, out var written);
            _stored.Advance(written);
            _stored.Write(whole[axesEnd..]);
        }
    }

    public void Dispose() => _json.Dispose();

    /// <summary>
    /// For each axis, whether its value is the job's own field of its name (<c>provider</c>, or a top-level member of the
    /// parameters' JSON: a string, number or boolean of that text; the last member of a name counts, as with
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>), found in one pass over the JSON just written.
    /// </summary>
    private ReadOnlySpan<bool> Implied(JobSpec spec, ReadOnlySpan<byte> parameters)
    {
        var axes = spec.Axes;
        if (_implied.Length < axes.Count)
        {
            _implied = new bool[axes.Count];
        }

        var implied = _implied.AsSpan(0, axes.Count);
        for (var i = 0; i < axes.Count; i++)
        {
            implied[i] = string.Equals(axes[i].Key, "provider", StringComparison.Ordinal) && string.Equals(axes[i].Value, spec.Provider, StringComparison.Ordinal);
        }

        var reader = new Utf8JsonReader(parameters);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader;
            reader.Read();
            for (var i = 0; i < axes.Count; i++)
            {
                if (!string.Equals(axes[i].Key, "provider", StringComparison.Ordinal) && name.ValueTextEquals(axes[i].Key))
                {
                    implied[i] = IsText(ref reader, axes[i].Value);
                }
            }

            reader.Skip();
        }

        return implied;
    }

    /// <summary>True when the value <paramref name="reader"/> is on reads as <paramref name="text"/> (a string, a number as written, true or false).</summary>
    private static bool IsText(ref Utf8JsonReader reader, string text) => reader.TokenType switch
    {
        JsonTokenType.String => reader.ValueTextEquals(text),
        JsonTokenType.Number => System.Text.Ascii.Equals(reader.ValueSpan, text),
        JsonTokenType.True => text == "true",
        JsonTokenType.False => text == "false",
        _ => false,
    };
}
