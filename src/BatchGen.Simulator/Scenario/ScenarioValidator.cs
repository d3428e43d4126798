using System.Globalization;
using BatchGen.Core.Jobs;

namespace BatchGen.Simulator;

/// <summary>One problem in a scenario: the YAML path of the offending value and what is wrong with it.</summary>
internal sealed record ScenarioProblem(IReadOnlyList<string> Path, string Message)
{
    public string PathText => string.Join('.', Path);
}

/// <summary>Checks a scenario once, before the host starts, and reports every problem with its actual value.</summary>
internal static class ScenarioValidator
{
    public static List<ScenarioProblem> Validate(SimulatorScenario scenario)
    {
        var problems = new List<ScenarioProblem>();
        if (scenario.TimeScale is { } scale && !(scale > 0 && double.IsFinite(scale)))
        {
            problems.Add(new(["time_scale"], $"must be greater than 0, got {F(scale)}"));
        }

        if (scenario.RequestLogCapacity is < 1 or > 1_000_000)
        {
            problems.Add(new(["request_log_capacity"], $"must be 1..1000000, got {scenario.RequestLogCapacity}"));
        }

        foreach (var (name, provider) in scenario.Providers)
        {
            if (!ProviderNames.IsKnown(name))
            {
                problems.Add(new(["providers", name], $"unknown provider '{name}' (expected one of {string.Join(", ", ProviderNames.All)})"));
                continue;
            }

            ValidateProvider(["providers", name], provider, problems);
        }

        return problems;
    }

    private static void ValidateProvider(string[] at, ProviderScenario p, List<ScenarioProblem> problems)
    {
        if (p.ApiKeys is not null && p.ApiKeys.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(new([.. at, "api_keys"], "keys must be non-empty"));
        }

        var l = p.Latency;
        NonNegative([.. at, "latency", "queue_min_seconds"], l.QueueMinSeconds, problems);
        NonNegative([.. at, "latency", "queue_max_seconds"], l.QueueMaxSeconds, problems);
        if (l.QueueMaxSeconds < l.QueueMinSeconds)
        {
            problems.Add(new([.. at, "latency", "queue_max_seconds"], $"must be at least queue_min_seconds ({F(l.QueueMinSeconds)}), got {F(l.QueueMaxSeconds)}"));
        }

        NonNegative([.. at, "latency", "generation_base_seconds"], l.GenerationBaseSeconds, problems);
        NonNegative([.. at, "latency", "generation_per_video_second"], l.GenerationPerVideoSecond, problems);
        Probability([.. at, "latency", "jitter"], l.Jitter, problems);
        foreach (var (res, factor) in l.ResolutionFactors)
        {
            if (!Wire.Resolutions.Contains(res))
            {
                problems.Add(new([.. at, "latency", "resolution_factors", res], $"unknown resolution '{res}' (expected 360p, 540p, 720p or 1080p)"));
            }

            NonNegative([.. at, "latency", "resolution_factors", res], factor, problems);
        }

        if (p.RateLimit is { } rl)
        {
            if (rl.Permits < 1)
            {
                problems.Add(new([.. at, "rate_limit", "permits"], $"must be at least 1, got {rl.Permits}"));
            }

            if (!(rl.PeriodSeconds > 0))
            {
                problems.Add(new([.. at, "rate_limit", "period_seconds"], $"must be greater than 0, got {F(rl.PeriodSeconds)}"));
            }

            if (rl.Burst is < 1)
            {
                problems.Add(new([.. at, "rate_limit", "burst"], $"must be at least 1, got {rl.Burst}"));
            }
        }

        if (p.MaxConcurrentTasks is < 1)
        {
            problems.Add(new([.. at, "max_concurrent_tasks"], $"must be at least 1, got {p.MaxConcurrentTasks}"));
        }

        if (p.Credits.Balance is < 0)
        {
            problems.Add(new([.. at, "credits", "balance"], $"must not be negative, got {p.Credits.Balance}"));
        }

        if (p.Credits.PricePerJob is < 0)
        {
            problems.Add(new([.. at, "credits", "price_per_job"], $"must not be negative, got {p.Credits.PricePerJob}"));
        }

        var f = p.Faults;
        string[] faults = [.. at, "faults"];
        Probability([.. faults, "http_500"], f.Http500, problems);
        Probability([.. faults, "http_502"], f.Http502, problems);
        Probability([.. faults, "http_503"], f.Http503, problems);
        Probability([.. faults, "connection_reset"], f.ConnectionReset, problems);
        Probability([.. faults, "slow_response"], f.SlowResponse, problems);
        Probability([.. faults, "malformed_json"], f.MalformedJson, problems);
        Probability([.. faults, "task_failed"], f.TaskFailed, problems);
        Probability([.. faults, "task_moderation"], f.TaskModeration, problems);
        Probability([.. faults, "task_never_finishes"], f.TaskNeverFinishes, problems);
        Probability([.. faults, "truncated_download"], f.TruncatedDownload, problems);
        Probability([.. faults, "expired_url"], f.ExpiredUrl, problems);
        Probability([.. faults, "video_no_samples"], f.VideoNoSamples, problems);
        Probability([.. faults, "video_truncated_mdat"], f.VideoTruncatedMdat, problems);
        Probability([.. faults, "video_broken_chunk_offset"], f.VideoBrokenChunkOffset, problems);
        if (f.VideoNoSamples + f.VideoTruncatedMdat + f.VideoBrokenChunkOffset > 1)
        {
            problems.Add(new(faults, "damaged video rates (video_no_samples, video_truncated_mdat, video_broken_chunk_offset) add up to more than 1"));
        }
        NonNegative([.. faults, "slow_response_seconds"], f.SlowResponseSeconds, problems);
        NonNegative([.. faults, "generation_timeout_seconds"], f.GenerationTimeoutSeconds, problems);
        if (f.Http500 + f.Http502 + f.Http503 + f.ConnectionReset + f.SlowResponse + f.MalformedJson > 1)
        {
            problems.Add(new(faults, "request fault rates (http_500, http_502, http_503, connection_reset, slow_response, malformed_json) add up to more than 1"));
        }

        if (f.TaskFailed + f.TaskModeration + f.TaskNeverFinishes > 1)
        {
            problems.Add(new(faults, "task fault rates (task_failed, task_moderation, task_never_finishes) add up to more than 1"));
        }

        NonNegative([.. at, "result_url_ttl_seconds"], p.ResultUrlTtlSeconds, problems);
        NonNegative([.. at, "retention_seconds"], p.RetentionSeconds, problems);
        if (p.VideoKbps is < 1 or > 1_000_000)
        {
            problems.Add(new([.. at, "video_kbps"], $"must be 1..1000000, got {p.VideoKbps}"));
        }

        if (p.OutputFrameSize is not null && OutputFrameSize(p.OutputFrameSize) is null)
        {
            problems.Add(new([.. at, "output_frame_size"], $"must be WIDTHxHEIGHT with even sides from 16 to 4096 (e.g. 864x1280), got '{p.OutputFrameSize}'"));
        }

        if (p.VideoContent is not (VideoContents.Labelled or VideoContents.Flat))
        {
            problems.Add(new([.. at, "video_content"], $"must be 'labelled' or 'flat', got '{p.VideoContent}'"));
        }

        if (p.StatusSpelling is not (StatusSpellings.Documented or StatusSpellings.Sample))
        {
            problems.Add(new([.. at, "status_spelling"], $"must be 'documented' or 'sample', got '{p.StatusSpelling}'"));
        }
    }

    private static void NonNegative(string[] path, double value, List<ScenarioProblem> problems)
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            problems.Add(new(path, $"must be a number >= 0, got {F(value)}"));
        }
    }

    private static void Probability(string[] path, double value, List<ScenarioProblem> problems)
    {
        if (!(value is >= 0 and <= 1))
        {
            problems.Add(new(path, $"must be a probability between 0 and 1, got {F(value)}"));
        }
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>WIDTHxHEIGHT</c> (even sides, 16..4096); null when malformed.</summary>
    public static (int Width, int Height)? OutputFrameSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h)
            && w is >= 16 and <= 4096 && h is >= 16 and <= 4096 && w % 2 == 0 && h % 2 == 0)
        {
            return (w, h);
        }

        return null;
    }
}
