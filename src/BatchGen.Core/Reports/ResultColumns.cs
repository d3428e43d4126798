using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>One column of results.csv and of the exports: its header and how to read it from a job.</summary>
internal sealed record ResultColumn(string Name, Func<LedgerJob, string> Read);

/// <summary>
/// The columns of results.csv: id, provider, replicate, every job parameter, one <c>axis:NAME</c> column per
/// axis, then state, remote id, attempts, times, latency, file, bytes, SHA-256 (of the first output), the number of
/// saved output files and all of them as a JSON array, costs and error. One row per job, so costs add up.
/// </summary>
internal static class ResultColumns
{
    private static readonly ResultColumn[] Leading =
    [
        new("id", j => j.Id),
        new("provider", j => j.Provider),
        new("replicate", j => ReportFormat.Integer(j.Spec.Replicate)),
        new("prompt", j => P(j).Prompt),
        new("image_url", j => P(j).ImageUrl),
        new("image", j => P(j).Image?.Display ?? string.Empty),
        new("negative_prompt", j => P(j).NegativePrompt ?? string.Empty),
        new("duration", j => ReportFormat.Integer(P(j).Duration)),
        new("resolution", j => P(j).Resolution),
        new("aspect_ratio", j => P(j).AspectRatio),
        new("style", j => P(j).Style ?? string.Empty),
        new("seed", j => ReportFormat.Integer(P(j).Seed)),
        new("camera_movement", j => P(j).CameraMovement ?? string.Empty),
        new("audio", j => ReportFormat.Bool(P(j).Audio)),
        new("multi_clip", j => ReportFormat.Bool(P(j).MultiClip)),
        new("thinking", j => P(j).Thinking ?? string.Empty),
        new("motion_mode", j => P(j).MotionMode ?? string.Empty),
        new("num_outputs", j => ReportFormat.Integer(P(j).NumOutputs)),
        new("prompt_optimization", j => ReportFormat.Bool(P(j).PromptOptimization)),
        new("sound_effect_content", j => P(j).SoundEffectContent ?? string.Empty),
        new("lip_sync_tts_content", j => P(j).LipSyncTtsContent ?? string.Empty),
        new("lip_sync_tts_speaker_id", j => P(j).LipSyncTtsSpeakerId ?? string.Empty),
        new("extra", j => Extra(P(j))),
    ];

    private static readonly ResultColumn[] Trailing =
    [
        new("state", j => StateName(j.State)),
        new("remote_id", j => j.RemoteId ?? string.Empty),
        new("attempts", j => ReportFormat.Integer(j.Attempts)),
        new("submitted_at", j => ReportFormat.Time(j.SubmittedAt)),
        new("started_at", j => ReportFormat.Time(j.StartedAt)),
        new("completed_at", j => ReportFormat.Time(j.CompletedAt)),
        new("latency_seconds", j => ReportFormat.Seconds(CostRules.LatencySeconds(j))),
        new("output_path", j => j.Spec.OutputPath),
        new("file_path", j => j.FilePath ?? string.Empty),
        new("bytes", j => ReportFormat.Integer(j.Bytes)),
        new("sha256", j => j.Sha256 ?? string.Empty),
        new("video_width", j => ReportFormat.Integer(j.Video?.Width)),
        new("video_height", j => ReportFormat.Integer(j.Video?.Height)),
        new("video_seconds", j => j.Video is { } v ? v.Seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : string.Empty),
        new("video_codec", j => j.Video?.Codec ?? string.Empty),
        new("video_warning", j => j.Video?.Warning ?? string.Empty),
        new("outputs", j => ReportFormat.Integer(ReportOutputs.Saved(j).Count)),
        new("output_files", ReportOutputs.Column),
        new("estimated_cost_usd", j => ReportFormat.Money(j.EstimatedCostUsd)),
        new("actual_cost_usd", j => ReportFormat.Money(j.ActualCostUsd)),
        new("error_class", j => j.ErrorClass?.ToString().ToLowerInvariant() ?? string.Empty),
        new("error_code", j => j.ErrorCode ?? string.Empty),
        new("error", j => j.ErrorMessage ?? string.Empty),
        new("in_manifest", j => ReportFormat.Bool(j.InManifest)),
    ];

    /// <summary>The columns for these axes. A column for spent is added when the charge rule is known.</summary>
    /// <paramref name="links"/>: the batch has an output store: <c>object_url</c> (s3://), <c>object_link</c> (public or
    /// presigned) and <c>object_link_expires_at</c> follow <c>output_files</c>.
    public static IReadOnlyList<ResultColumn> For(IReadOnlyList<string> axes, IReadOnlySet<string>? chargeFailedProviders, ObjectLinks? links = null)
    {
        var columns = new List<ResultColumn>(Leading);
        foreach (var axis in axes.Distinct(StringComparer.Ordinal))
        {
            columns.Add(new ResultColumn("axis:" + axis, j => JobAxes.ValueOf(j, axis)));
        }

        columns.AddRange(Trailing);
        if (chargeFailedProviders is not null)
        {
            columns.Insert(columns.FindIndex(c => c.Name == "error_class"), new ResultColumn("spent_usd", j => ReportFormat.Money(CostRules.Spent(j, chargeFailedProviders))));
        }

        if (links is not null)
        {
            var at = columns.FindIndex(c => c.Name == "output_files") + 1;
            columns.InsertRange(at,
            [
                new ResultColumn("object_url", j => j.Outputs.FirstOrDefault(o => o.Index == 1)?.ObjectUrl ?? string.Empty),
                new ResultColumn("object_link", j => links.First(j) ?? string.Empty),
                new ResultColumn("object_link_expires_at", j => links.First(j) is null ? string.Empty : links.ExpiresText),
            ]);
        }

        return columns;
    }

    /// <summary>Axis names in order of first appearance over jobs sorted by id (for exports without a manifest).</summary>
    public static IReadOnlyList<string> InferAxes(IEnumerable<LedgerJob> jobsSortedById) =>
        jobsSortedById.SelectMany(j => j.Spec.Axes.Select(a => a.Key)).Distinct(StringComparer.Ordinal).ToList();

    public static string StateName(JobState state) => state.ToString().ToLowerInvariant();

    private static JobParameters P(LedgerJob job) => job.Spec.Parameters;

    private static string Extra(JobParameters parameters)
    {
        if (parameters.Extra is not { Count: > 0 } extra)
        {
            return string.Empty;
        }

        return ReportJson.ToCompactString(writer =>
        {
            writer.WriteStartObject();
            foreach (var (key, value) in extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        });
    }
}
