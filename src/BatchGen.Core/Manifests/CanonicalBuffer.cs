using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchGen.Core.Manifests;

/// <summary>
/// A reusable UTF-8 buffer that writes compact JSON byte for byte as <see cref="Utf8JsonWriter"/> does with
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, without its per-call checks: property names are written
/// as given (callers pass constant, escape-free names), strings needing no escape are copied directly, the rest go
/// through <see cref="JsonEncodedText"/> (the writer's own escaping). Not thread-safe.
/// </summary>
internal sealed class CanonicalBuffer
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>ASCII characters the encoder leaves as they are.</summary>
    private static readonly bool[] PlainAscii = Enumerable.Range(0, 128).Select(c => !Encoder.WillEncode(c)).ToArray();

    private byte[] _bytes = new byte[512];
    private int _length;

    public static JavaScriptEncoder JsonEncoder => Encoder;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public void Reset() => _length = 0;

    /// <summary>Raw bytes: punctuation and pre-encoded names such as <c>,"duration":</c>.</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Number(long value)
    {
        Ensure(20);
        value.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    public void Boolean(bool value) => Raw(value ? "true"u8 : "false"u8);

    /// <summary>A JSON string value, quotes included, escaped as the writer escapes it.</summary>
    public void String(string value)
    {
        Ensure(value.Length + 2);
        var target = _bytes.AsSpan(_length);
        target[0] = (byte)'"';
        var plain = PlainAscii;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 128 || !plain[c])
            {
                StringSlow(value);
                return;
            }

            target[i + 1] = (byte)c;
        }

        target[value.Length + 1] = (byte)'"';
        _length += value.Length + 2;
    }

    private void StringSlow(string value)
    {
        var encoded = JsonEncodedText.Encode(value, Encoder).EncodedUtf8Bytes;
        Ensure(encoded.Length + 2);
        _bytes[_length++] = (byte)'"';
        encoded.CopyTo(_bytes.AsSpan(_length));
        _length += encoded.Length;
        _bytes[_length++] = (byte)'"';
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + extra));
        }
    }
}
