using System.Text.Json;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>Ledger rows for other tools: CSV (the results.csv columns) or JSON Lines (one object per job), sorted by id.</summary>
public static class Exporter
{
    public const string Csv = "csv";
    public const string Jsonl = "jsonl";

    public static IReadOnlyList<string> Formats { get; } = [Csv, Jsonl];

    /// <summary>Writes every job to <paramref name="output"/>. Axis columns are the axis names the jobs carry, in first-seen order.</summary>
    /// <exception cref="ArgumentException">Unknown format (check against <see cref="Formats"/> first).</exception>
    public static Task ExportAsync(IEnumerable<LedgerJob> jobs, string format, TextWriter output, CancellationToken cancellationToken) =>
        ExportAsync(jobs, format, output, links: null, cancellationToken);

    /// <summary>As above; <paramref name="links"/> adds each job's stored object link (CSV columns, JSON keys).</summary>
    public static async Task ExportAsync(IEnumerable<LedgerJob> jobs, string format, TextWriter output, ObjectLinks? links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(output);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ThenBy(j => j.Provider, StringComparer.Ordinal).ToList();
        var columns = ResultColumns.For(ResultColumns.InferAxes(sorted), chargeFailedProviders: null, links);
        switch (format)
        {
            case Csv:
                await CsvTable.WriteAsync(
                    output,
                    columns.Select(c => c.Name).ToList(),
                    sorted.Select(j => (IReadOnlyList<string>)columns.Select(c => c.Read(j)).ToList()),
                    cancellationToken).ConfigureAwait(false);
                break;
            case Jsonl:
                foreach (var job in sorted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await output.WriteAsync(JsonLine(job, links).AsMemory(), cancellationToken).ConfigureAwait(false);
                    await output.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                throw new ArgumentException($"unknown export format '{format}'; use csv or jsonl", nameof(format));
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One job as a JSON object: typed values (numbers, booleans, nulls), parameters and axes nested.</summary>
    internal static string JsonLine(LedgerJob job, ObjectLinks? links = null) => ReportJson.ToCompactString(writer =>
    {
        var p = job.Spec.Parameters;
        writer.WriteStartObject();
        writer.WriteString("id", job.Id);
        writer.WriteString("provider", job.Provider);
        writer.WriteNumber("replicate", job.Spec.Replicate);
        writer.WriteStartObject("parameters");
        writer.WriteString("prompt", p.Prompt);
        writer.WriteString("image_url", p.ImageUrl);
        if (p.Image is { } image)
        {
            writer.WriteString("image", image.Display);
            writer.WriteString("image_sha256", image.Sha256);
        }

        WriteOptional(writer, "negative_prompt", p.NegativePrompt);
        writer.WriteNumber("duration", p.Duration);
        writer.WriteString("resolution", p.Resolution);
        writer.WriteString("aspect_ratio", p.AspectRatio);
        WriteOptional(writer, "style", p.Style);
        if (p.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        WriteOptional(writer, "camera_movement", p.CameraMovement);
        WriteOptional(writer, "audio", p.Audio);
        WriteOptional(writer, "multi_clip", p.MultiClip);
        WriteOptional(writer, "thinking", p.Thinking);
        WriteOptional(writer, "motion_mode", p.MotionMode);
        if (p.NumOutputs is { } outputs)
        {
            writer.WriteNumber("num_outputs", outputs);
        }

        WriteOptional(writer, "prompt_optimization", p.PromptOptimization);
        WriteOptional(writer, "sound_effect_content", p.SoundEffectContent);
        WriteOptional(writer, "lip_sync_tts_content", p.LipSyncTtsContent);
        WriteOptional(writer, "lip_sync_tts_speaker_id", p.LipSyncTtsSpeakerId);
        if (p.Extra is { Count: > 0 } extra)
        {
            writer.WriteStartObject("extra");
            foreach (var (key, value) in extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("axes");
        foreach (var (key, value) in job.Spec.Axes)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteString("output_path", job.Spec.OutputPath);
        writer.WriteString("state", ResultColumns.StateName(job.State));
        writer.WriteNumber("attempts", job.Attempts);
        WriteOptional(writer, "remote_id", job.RemoteId);
        WriteOptional(writer, "submitted_at", job.SubmittedAt is null ? null : ReportFormat.Time(job.SubmittedAt));
        WriteOptional(writer, "started_at", job.StartedAt is null ? null : ReportFormat.Time(job.StartedAt));
        WriteOptional(writer, "completed_at", job.CompletedAt is null ? null : ReportFormat.Time(job.CompletedAt));
        writer.WriteRounded("latency_seconds", CostRules.LatencySeconds(job), 3);
        WriteOptional(writer, "file_path", job.FilePath);
        if (job.Bytes is { } bytes)
        {
            writer.WriteNumber("bytes", bytes);
        }
        else
        {
            writer.WriteNull("bytes");
        }

        WriteOptional(writer, "sha256", job.Sha256);
        writer.WritePropertyName("outputs");
        ReportOutputs.Write(writer, ReportOutputs.Saved(job));
        if (links?.First(job) is { } link)
        {
            writer.WriteString("object_link", link);
            WriteOptional(writer, "object_link_expires_at", links.ExpiresAt is null ? null : links.ExpiresText);
        }

        writer.WriteMoney("estimated_cost_usd", job.EstimatedCostUsd);
        writer.WriteMoney("actual_cost_usd", job.ActualCostUsd);
        WriteOptional(writer, "error_class", job.ErrorClass?.ToString().ToLowerInvariant());
        WriteOptional(writer, "error_code", job.ErrorCode);
        WriteOptional(writer, "error", job.ErrorMessage);
        writer.WriteBoolean("in_manifest", job.InManifest);
        writer.WriteEndObject();
    });

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
