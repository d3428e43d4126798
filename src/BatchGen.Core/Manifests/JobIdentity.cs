using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests;

/// <summary>
/// The deterministic job id: 16 hex characters, SipHash-2-4 (fixed public key) over a canonical JSON of the provider,
/// the normalized parameters (keys sorted, unset fields omitted, extra canonicalised) and the replicate index. It
/// depends only on what is asked of the provider, never on manifest order, key order, quoting or formatting.
/// A resume key and Idempotency-Key, not a security token: a fast, well-distributed, stable hash is enough.
/// Not thread-safe: one instance per enumeration (it reuses its buffer).
/// </summary>
internal sealed class JobIdentity
{
    /// <summary>Bumped whenever the canonical form or the hash changes (it changes every id). 1 was SHA-256.</summary>
    public const int FormatVersion = 2;

    /// <summary>The SipHash key: the ASCII bytes of "BatchGen.JobId.2", little-endian. Public and fixed on purpose.</summary>
    private static readonly ulong Key0 = BinaryPrimitives.ReadUInt64LittleEndian("BatchGen"u8);
    private static readonly ulong Key1 = BinaryPrimitives.ReadUInt64LittleEndian(".JobId.2"u8);

    private readonly CanonicalBuffer _buffer = new();
    private IReadOnlyDictionary<string, JsonElement>? _lastExtra;
    private byte[] _lastExtraBytes = [];

    public static string Compute(string provider, JobParameters parameters, int replicate) =>
        new JobIdentity().Id(provider, parameters, replicate);

    /// <summary>The canonical text the id is hashed from (for tests and debugging).</summary>
    public string CanonicalText(string provider, JobParameters parameters, int replicate)
    {
        Write(provider, parameters, replicate);
        return System.Text.Encoding.UTF8.GetString(_buffer.Written);
    }

    public string Id(string provider, JobParameters parameters, int replicate) =>
        ToText(Hash(provider, parameters, replicate));

    /// <summary>The 64-bit id as a number (what <see cref="Id"/> spells in hex).</summary>
    public ulong Hash(string provider, JobParameters parameters, int replicate)
    {
        Write(provider, parameters, replicate);
        return SipHash24.Hash(Key0, Key1, _buffer.Written);
    }

    /// <summary>The id text: 16 lowercase hex digits, most significant first (so <c>Convert.ToUInt64(id, 16)</c> gives the number back).</summary>
    public static string ToText(ulong hash) => string.Create(16, hash, static (chars, h) =>
    {
        for (var i = 15; i >= 0; i--)
        {
            chars[i] = "0123456789abcdef"[(int)(h & 0xf)];
            h >>= 4;
        }
    });

    private void Write(string provider, JobParameters p, int replicate)
    {
        var b = _buffer;
        b.Reset();
        b.Raw("{\"format\":"u8);
        b.Number(FormatVersion);
        b.Raw(",\"provider\":"u8);
        b.String(provider);
        b.Raw(",\"replicate\":"u8);
        b.Number(replicate);
        b.Raw(",\"request\":{\"aspect_ratio\":"u8);
        b.String(p.AspectRatio);
        Bool(b, ",\"audio\":"u8, p.Audio);
        Text(b, ",\"camera_movement\":"u8, p.CameraMovement);
        b.Raw(",\"duration\":"u8);
        b.Number(p.Duration);
        if (p.Extra is { Count: > 0 } extra)
        {
            b.Raw(",\"extra\":"u8);
            b.Raw(ExtraBytes(extra));
        }

        if (p.Image is { } image)
        {
            // The content, not the path: moving the folder changes no job, editing the image makes a new one.
            b.Raw(",\"image_sha256\":"u8);
            b.String(image.Sha256);
        }
        else
        {
            b.Raw(",\"image_url\":"u8);
            b.String(p.ImageUrl);
        }
        Text(b, ",\"lip_sync_tts_content\":"u8, p.LipSyncTtsContent);
        Text(b, ",\"lip_sync_tts_speaker_id\":"u8, p.LipSyncTtsSpeakerId);
        Text(b, ",\"motion_mode\":"u8, p.MotionMode);
        Bool(b, ",\"multi_clip\":"u8, p.MultiClip);
        Text(b, ",\"negative_prompt\":"u8, p.NegativePrompt);
        if (p.NumOutputs is { } outputs)
        {
            b.Raw(",\"num_outputs\":"u8);
            b.Number(outputs);
        }

        b.Raw(",\"prompt\":"u8);
        b.String(p.Prompt);
        Bool(b, ",\"prompt_optimization\":"u8, p.PromptOptimization);
        b.Raw(",\"resolution\":"u8);
        b.String(p.Resolution);
        if (p.Seed is { } seed)
        {
            b.Raw(",\"seed\":"u8);
            b.Number(seed);
        }

        Text(b, ",\"sound_effect_content\":"u8, p.SoundEffectContent);
        Text(b, ",\"style\":"u8, p.Style);
        Text(b, ",\"thinking\":"u8, p.Thinking);
        b.Raw("}}"u8);
    }

    /// <summary>The canonical JSON of extra (keys sorted at every depth); one manifest value serves many jobs, so the last one is cached.</summary>
    private byte[] ExtraBytes(IReadOnlyDictionary<string, JsonElement> extra)
    {
        if (ReferenceEquals(extra, _lastExtra))
        {
            return _lastExtraBytes;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CanonicalBuffer.JsonEncoder }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                CanonicalJson.Write(writer, value);
            }

            writer.WriteEndObject();
        }

        _lastExtra = extra;
        _lastExtraBytes = buffer.WrittenSpan.ToArray();
        return _lastExtraBytes;
    }

    private static void Text(CanonicalBuffer b, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            b.Raw(name);
            b.String(value);
        }
    }

    private static void Bool(CanonicalBuffer b, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is { } flag)
        {
            b.Raw(name);
            b.Boolean(flag);
        }
    }
}
