using YamlDotNet.Serialization;

namespace BatchGen.Simulator;

/// <summary>
/// Fault injection rates, each a probability in [0, 1]. Request faults (5xx, resets, slow and malformed replies) apply
/// to API calls (submits, polls, lists); task faults are drawn once per task; download faults once per download.
/// All draws are a pure function of (seed, provider, task or request identity), never of thread timing.
/// </summary>
public sealed class FaultScenario
{
    [YamlMember(Alias = "http_500")]
    public double Http500 { get; set; }

    [YamlMember(Alias = "http_502")]
    public double Http502 { get; set; }

    [YamlMember(Alias = "http_503")]
    public double Http503 { get; set; }

    /// <summary>The connection is aborted without a reply. On a submit the task is created first (the reply is lost).</summary>
    public double ConnectionReset { get; set; }

    /// <summary>The reply is held for <see cref="SlowResponseSeconds"/> (real seconds, not scaled), then sent.</summary>
    public double SlowResponse { get; set; }

    public double SlowResponseSeconds { get; set; } = 45;

    /// <summary>A 200 reply whose JSON body is cut in half.</summary>
    public double MalformedJson { get; set; }

    /// <summary>The task ends in the provider's failed state (generation error).</summary>
    public double TaskFailed { get; set; }

    /// <summary>The task ends failed with a content-moderation reason.</summary>
    public double TaskModeration { get; set; }

    /// <summary>The task never leaves the running state. AI/ML API answers its polls with 504 "Generation timeout" after <see cref="GenerationTimeoutSeconds"/>.</summary>
    public double TaskNeverFinishes { get; set; }

    /// <summary>AI/ML API: nominal seconds after which a never-finishing task's polls answer 504. Default 1000.</summary>
    public double GenerationTimeoutSeconds { get; set; } = 1000;

    /// <summary>The download announces the full Content-Length, sends part of it and aborts the connection.</summary>
    public double TruncatedDownload { get; set; }

    /// <summary>The first download of a result is a complete response whose MP4 has no samples (empty sample description and tables); later downloads are good.</summary>
    public double VideoNoSamples { get; set; }

    /// <summary>The first download of a result is a complete response of a file cut inside <c>mdat</c>; later downloads are good.</summary>
    public double VideoTruncatedMdat { get; set; }

    /// <summary>The first download of a result is an MP4 whose chunk offset (<c>stco</c>) points past the end of the file; later downloads are good.</summary>
    public double VideoBrokenChunkOffset { get; set; }

    /// <summary>The result URL is already expired when the task completes (403 on download).</summary>
    public double ExpiredUrl { get; set; }
}
