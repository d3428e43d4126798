namespace BatchGen.Simulator;

/// <summary>Behaviour of one simulated provider. Durations are nominal (real provider) seconds, multiplied by the time scale.</summary>
public sealed class ProviderScenario
{
    /// <summary>Accepted API keys. Null or empty (default): any non-empty key is accepted, so documentation examples replay as written.</summary>
    public List<string>? ApiKeys { get; set; }

    public LatencyScenario Latency { get; set; } = new();

    /// <summary>Token bucket per API key over submits, polls and other API calls (not downloads). Null (default): unlimited.</summary>
    public RateLimitScenario? RateLimit { get; set; }

    /// <summary>Unfinished tasks allowed at once per API key; a submit past it gets the provider's 429. Null (default): unlimited.</summary>
    public int? MaxConcurrentTasks { get; set; }

    public CreditScenario Credits { get; set; } = new();

    public FaultScenario Faults { get; set; } = new();

    /// <summary>
    /// A submit that repeats an <c>Idempotency-Key</c> already seen from the same API key gets the task that key
    /// created (no new task, no charge), as Stripe-style APIs do. Default false: none of the five providers documents it.
    /// </summary>
    public bool HonourIdempotencyKey { get; set; }

    /// <summary>Result URLs stop working this long after the task completes (403). Default 3600 s.</summary>
    public double ResultUrlTtlSeconds { get; set; } = 3600;

    /// <summary>Segmind v2: status and result are kept this long after submission, then 404. Default 3600 s.</summary>
    public double RetentionSeconds { get; set; } = 3600;

    /// <summary>Video bitrate at 720p in kbit/s, scaled by pixel count for other sizes. Default 2400 (about 1.5 MB per 5 s).</summary>
    public int VideoKbps { get; set; } = 2400;

    /// <summary>
    /// What the result videos show: <c>labelled</c> (default) a picture naming the provider, seed, style and prompt,
    /// panning; or <c>flat</c> a still grey picture of the requested size and duration coded in about a byte per
    /// macroblock (about 4 KB per 5 s at 360p, no filler: <see cref="VideoKbps"/> does not apply), the task named in a
    /// user-data SEI so every file still differs. For load tests that download many thousands of videos.
    /// </summary>
    public string VideoContent { get; set; } = VideoContents.Labelled;

    /// <summary>
    /// The frame size of every result, <c>WIDTHxHEIGHT</c> (e.g. <c>864x1280</c>), whatever was asked: a provider that
    /// follows the input image. Null (default): the requested resolution and aspect ratio.
    /// </summary>
    public string? OutputFrameSize { get; set; }

    /// <summary>AI/ML API: <c>documented</c> (queued/generating/completed/error, default) or <c>sample</c> (waiting/generating/succeeded/error, as its sample output shows).</summary>
    public string StatusSpelling { get; set; } = StatusSpellings.Documented;

    /// <summary>Accepted model ids (GMI Cloud model, AI/ML API model, Pixwith model_id). Null (default): the ids the provider's page uses.</summary>
    public List<string>? Models { get; set; }

    /// <summary>Magnific: webhook signing secret. <c>whsec_</c> + base64 is decoded (Standard Webhooks); anything else is used as UTF-8 bytes.</summary>
    public string WebhookSecret { get; set; } = "whsec_YmF0Y2hnZW4tc2ltdWxhdG9yLXdlYmhvb2s=";

    /// <summary>Magnific: hosts webhooks may be delivered to. Default loopback only; other URLs are accepted but not called.</summary>
    public List<string> WebhookHosts { get; set; } = ["127.0.0.1", "localhost", "::1", "[::1]"];
}

public static class VideoContents
{
    public const string Labelled = "labelled";
    public const string Flat = "flat";
}

public static class StatusSpellings
{
    public const string Documented = "documented";
    public const string Sample = "sample";
}
