using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchGen.Core.Reports;

/// <summary>JSON helpers shared by summary.json, the exports and the contact sheet.</summary>
internal static class ReportJson
{
    /// <summary>Readable UTF-8 for files meant for machines (summary.json, jsonl exports).</summary>
    public static JsonWriterOptions FileOptions(bool indented) => new()
    {
        Indented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    /// <summary>
    /// Safe inside an HTML &lt;script&gt; element: the default encoder escapes &lt;, &gt;, &amp;, quotes and every
    /// non-ASCII character (U+2028 and U+2029 included) as \uXXXX.
    /// </summary>
    public static JsonWriterOptions HtmlOptions { get; } = new() { Encoder = JavaScriptEncoder.Default };

    public static string ToCompactString(Action<Utf8JsonWriter> write, JsonWriterOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options ?? FileOptions(indented: false)))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A USD amount as a JSON number with 2 to 6 decimals (stable text, invariant culture).</summary>
    public static void WriteMoney(this Utf8JsonWriter writer, string name, decimal? usd)
    {
        if (usd is { } value)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(ReportFormat.Money(value), skipInputValidation: true);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>A number rounded to the given decimals, or null.</summary>
    public static void WriteRounded(this Utf8JsonWriter writer, string name, double? value, int decimals)
    {
        if (value is { } v)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString("0.######", CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
