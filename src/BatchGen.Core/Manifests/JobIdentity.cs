using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests;

/// <summary>
/// The deterministic job id: the first 16 hex characters of SHA-256 over a canonical JSON of the provider, the
/// normalized parameters (keys sorted, unset fields omitted, extra canonicalised) and the replicate index. It depends
/// only on what is asked of the provider, never on manifest order, key order, quoting or formatting.
/// Not thread-safe: one instance per enumeration (it reuses its buffer).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The writer targets an in-memory ArrayBufferWriter and holds no resource.")]
internal sealed class JobIdentity
{
    /// <summary>Bumped if the canonical form ever changes (it would change every id).</summary>
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public JobIdentity() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    public static string Compute(string provider, JobParameters parameters, int replicate) =>
        new JobIdentity().Id(provider, parameters, replicate);

    /// <summary>The canonical text the id is hashed from (for tests and debugging).</summary>
    public string CanonicalText(string provider, JobParameters parameters, int replicate)
    {
        Write(provider, parameters, replicate);
        return System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    public string Id(string provider, JobParameters parameters, int replicate)
    {
        Write(provider, parameters, replicate);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    private void Write(string provider, JobParameters p, int replicate)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("format", FormatVersion);
        w.WriteString("provider", provider);
        w.WriteNumber("replicate", replicate);
        w.WriteStartObject("request");
        w.WriteString("aspect_ratio", p.AspectRatio);
        WriteBool(w, "audio", p.Audio);
        WriteString(w, "camera_movement", p.CameraMovement);
        w.WriteNumber("duration", p.Duration);
        if (p.Extra is { Count: > 0 } extra)
        {
            w.WriteStartObject("extra");
            foreach (var (key, value) in extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(key);
                CanonicalJson.Write(w, value);
            }

            w.WriteEndObject();
        }

        w.WriteString("image_url", p.ImageUrl);
        WriteString(w, "lip_sync_tts_content", p.LipSyncTtsContent);
        WriteString(w, "lip_sync_tts_speaker_id", p.LipSyncTtsSpeakerId);
        WriteString(w, "motion_mode", p.MotionMode);
        WriteBool(w, "multi_clip", p.MultiClip);
        WriteString(w, "negative_prompt", p.NegativePrompt);
        if (p.NumOutputs is { } outputs)
        {
            w.WriteNumber("num_outputs", outputs);
        }

        w.WriteString("prompt", p.Prompt);
        WriteBool(w, "prompt_optimization", p.PromptOptimization);
        w.WriteString("resolution", p.Resolution);
        if (p.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        WriteString(w, "sound_effect_content", p.SoundEffectContent);
        WriteString(w, "style", p.Style);
        WriteString(w, "thinking", p.Thinking);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteBool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } flag)
        {
            w.WriteBoolean(name, flag);
        }
    }
}
