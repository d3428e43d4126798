using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Fields;
using BatchGen.Core.Manifests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Manifests;

public sealed class JobIdentityTests : IDisposable
{
    private static readonly string[] Resolutions = ["360p", "540p", "720p"];
    private static readonly string[] Styles = ["anime", "clay", "comic"];

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static JobParameters Parameters(long seed, string resolution, string style) => new()
    {
        Prompt = "a cat: \"quoted\", 猫",
        ImageUrl = "https://x.test/a.png",
        Duration = 8,
        Resolution = resolution,
        AspectRatio = "9:16",
        Style = style,
        Seed = seed,
    };

    [Fact]
    public void Compute_SameInput_SixteenLowercaseHexCharsAndStable()
    {
        var id = JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0);

        id.Length.ShouldBe(16);
        id.ShouldAllBe(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0).ShouldBe(id);
    }

    [Fact]
    public void Compute_ProviderParameterOrReplicateChanges_IdChanges()
    {
        var id = JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0);

        JobIdentity.Compute("gmicloud", Parameters(1, "720p", "clay"), 0).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(2, "720p", "clay"), 0).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 1).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay") with { Audio = false }, 0).ShouldNotBe(id);
    }

    [Fact]
    public void Compute_CanonicalText_SortedKeysUnsetFieldsOmitted()
    {
        var text = new JobIdentity().CanonicalText("magnific", Parameters(1, "720p", "clay"), 2);

        text.ShouldBe("{\"format\":2,\"provider\":\"magnific\",\"replicate\":2,\"request\":{\"aspect_ratio\":\"9:16\",\"duration\":8,\"image_url\":\"https://x.test/a.png\",\"prompt\":\"a cat: \\\"quoted\\\", 猫\",\"resolution\":\"720p\",\"seed\":1,\"style\":\"clay\"}}");
    }

    [Fact]
    public void Compute_KnownRequest_ApprovedId()
    {
        // Approved value (format 2: SipHash-2-4 of the canonical text above with the fixed key "BatchGen.JobId.2").
        // Changing it changes every id in every ledger: bump JobIdentity.FormatVersion and say so in docs/manifest.md.
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 2).ShouldBe(ApprovedId);
    }

    [Property]
    public Property CanonicalText_AnyRequest_SameAsUtf8JsonWriterReference()
    {
        var extra = JsonDocument.Parse("{\"z\": [1, {\"b\": 2, \"a\": \"é\"}], \"a\": null, \"m\": {\"y\": true, \"x\": 1.50}}").RootElement;
        var extraMap = extra.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        var texts = Gen.Elements("a cat", "猫 \"q\" \\ 🐱", "<b>&</b>", "line\nbreak\t\u2028", "");
        var gen =
            from prompt in texts
            from negative in Gen.OneOf(Gen.Constant<string?>(null), texts.Select(t => (string?)t))
            from seed in Gen.OneOf(Gen.Constant<long?>(null), Gen.Choose(0, int.MaxValue).Select(s => (long?)s))
            from audio in Gen.Elements<bool?>(null, true, false)
            from outputs in Gen.Elements<int?>(null, 1, 4)
            from withExtra in Gen.Elements(true, false)
            from replicate in Gen.Choose(0, 999)
            select (new JobParameters
            {
                Prompt = prompt, ImageUrl = "https://x.test/a.png?q=1&r=2", NegativePrompt = negative, Duration = 10, Resolution = "540p",
                AspectRatio = "1:1", Style = "anime", Seed = seed, CameraMovement = "zoom_in", Audio = audio, MultiClip = !audio,
                Thinking = "auto", MotionMode = "fast", NumOutputs = outputs, PromptOptimization = audio, SoundEffectContent = negative,
                LipSyncTtsContent = negative, LipSyncTtsSpeakerId = "3", Extra = withExtra ? extraMap : null,
            }, replicate);

        return Prop.ForAll(gen.ToArbitrary(), c =>
            new JobIdentity().CanonicalText("segmind", c.Item1, c.replicate) == ReferenceCanonicalText("segmind", c.Item1, c.replicate));
    }

    /// <summary>Key order, quoting style, flow vs block style and the place a value is written never change the id.</summary>
    [Property]
    public Property Load_KeyOrderQuotingAndFormatting_DoNotChangeIds()
    {
        var gen =
            from seed in Gen.Choose(0, int.MaxValue)
            from res in Gen.Choose(0, Resolutions.Length - 1)
            from style in Gen.Choose(0, Styles.Length - 1)
            from order in Gen.Shuffle(new[] { 0, 1, 2, 3, 4, 5, 6, 7 })
            from quoting in Gen.Choose(0, 255)
            from flow in Gen.Elements(true, false)
            select (seed, res, style, order, quoting, flow);

        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (seed, res, style, order, quoting, flow) = c;
            var expected = JobIdentity.Compute("magnific", Parameters(seed, Resolutions[res], Styles[style]), 0);
            var fields = new (string Key, string Value)[]
            {
                ("provider", "magnific"), ("prompt", "a cat: \"quoted\", 猫"), ("image_url", "https://x.test/a.png"),
                ("duration", "8"), ("resolution", Resolutions[res]), ("aspect_ratio", "9:16"), ("style", Styles[style]),
                ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            var entries = order.Select((index, i) => (fields[index].Key, Quote(fields[index].Value, ((quoting >> i) & 1) == 1 || fields[index].Key == "prompt"))).ToList();
            var yaml = flow
                ? "include:\n  - {" + string.Join(", ", entries.Select(e => $"{e.Key}: {e.Item2}")) + "}\nversion: 1\n"
                : "version: 1\ndefaults:\n" + string.Join("\n", entries.Skip(1).Select(e => $"    {e.Key}:   {e.Item2}")) + $"\nmatrix:\n  {entries[0].Key}: [{entries[0].Item2}]\n";
            var jobs = _h.Jobs(yaml.Replace("defaults:\n    ", "defaults:\n    ", StringComparison.Ordinal));
            return jobs.Count == 1 && jobs[0].Id == expected;
        });
    }

    private const string ApprovedId = "c7ebb3f1365f3f14";

    /// <summary>The canonical text as the first implementation wrote it, with Utf8JsonWriter (the specification of the format).</summary>
    private static string ReferenceCanonicalText(string provider, JobParameters p, int replicate)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("format", JobIdentity.FormatVersion);
            w.WriteString("provider", provider);
            w.WriteNumber("replicate", replicate);
            w.WriteStartObject("request");
            w.WriteString("aspect_ratio", p.AspectRatio);
            Optional(w, "audio", p.Audio);
            Optional(w, "camera_movement", p.CameraMovement);
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
            Optional(w, "lip_sync_tts_content", p.LipSyncTtsContent);
            Optional(w, "lip_sync_tts_speaker_id", p.LipSyncTtsSpeakerId);
            Optional(w, "motion_mode", p.MotionMode);
            Optional(w, "multi_clip", p.MultiClip);
            Optional(w, "negative_prompt", p.NegativePrompt);
            if (p.NumOutputs is { } outputs)
            {
                w.WriteNumber("num_outputs", outputs);
            }

            w.WriteString("prompt", p.Prompt);
            Optional(w, "prompt_optimization", p.PromptOptimization);
            w.WriteString("resolution", p.Resolution);
            if (p.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
            }

            Optional(w, "sound_effect_content", p.SoundEffectContent);
            Optional(w, "style", p.Style);
            Optional(w, "thinking", p.Thinking);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } flag)
        {
            w.WriteBoolean(name, flag);
        }
    }

    private static string Quote(string value, bool quote) =>
        quote ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;
}
