using System.Text.Encodings.Web;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;

namespace BatchGen.Cli.Rendering;

/// <summary>
/// <c>plan --json</c>: one object. <c>jobs</c>, <c>estimated_cost_usd</c> and <c>providers</c> (name -> {jobs,
/// estimated_cost_usd}) are stable; more keys may be added. With <c>--all</c> every job is streamed into
/// <c>job_list</c> as it is expanded, so memory stays flat.
/// </summary>
internal static class PlanJsonWriter
{
    public static async Task WriteAsync(Manifest manifest, bool all, TextWriter stdout, CancellationToken cancellationToken)
    {
        var stream = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        await using var writer = new Utf8JsonWriter(stream, options);
        writer.WriteStartObject();
        writer.WriteString("manifest", manifest.Path);
        writer.WriteString("name", manifest.Name);
        writer.WriteString("output_directory", manifest.OutputDirectory);
        writer.WriteStartArray(all ? "job_list" : "first_jobs");
        var summary = PlanCalculator.Compute(manifest, all ? 0 : PlanCalculator.DefaultSampleSize, (job, cost) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (all)
            {
                WriteJob(writer, job, cost);
                if (stream.Length > 1 << 20)
                {
                    Flush(writer, stream, stdout);
                }
            }
        });
        if (!all)
        {
            foreach (var (job, cost) in summary.Sample)
            {
                WriteJob(writer, job, cost);
            }
        }

        writer.WriteEndArray();
        writer.WriteNumber("jobs", summary.Jobs);
        writer.WriteNumber("estimated_cost_usd", summary.EstimatedCostUsd);
        writer.WriteNumber("unknown_cost_jobs", summary.UnknownCostJobs);
        writer.WriteNumber("estimated_wall_time_seconds", Math.Round(summary.EstimatedWallTime.TotalSeconds));
        if (summary.MaxCost is { } max)
        {
            writer.WriteNumber("max_cost_usd", max);
        }
        else
        {
            writer.WriteNull("max_cost_usd");
        }

        writer.WriteStartObject("providers");
        foreach (var p in summary.Providers)
        {
            writer.WriteStartObject(p.Name);
            writer.WriteNumber("jobs", p.Jobs);
            writer.WriteNumber("estimated_cost_usd", p.EstimatedCostUsd);
            writer.WriteNumber("unknown_cost_jobs", p.UnknownCostJobs);
            writer.WriteNumber("estimated_wall_time_seconds", Math.Round(p.EstimatedWallTime.TotalSeconds));
            writer.WriteNumber("concurrency", p.Concurrency);
            writer.WriteString("rate_limit", p.RateLimit);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("axes");
        foreach (var (axis, values) in summary.AxisCounts)
        {
            writer.WriteStartObject(axis);
            foreach (var (value, count) in values)
            {
                writer.WriteNumber(value, count);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        Flush(writer, stream, stdout);
        await stdout.WriteLineAsync(string.Empty.AsMemory(), cancellationToken);
        await stdout.FlushAsync(cancellationToken);
    }

    private static void Flush(Utf8JsonWriter writer, MemoryStream stream, TextWriter stdout)
    {
        writer.Flush();
        stdout.Write(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        stream.SetLength(0);
    }

    private static void WriteJob(Utf8JsonWriter writer, JobSpec job, decimal? cost)
    {
        writer.WriteStartObject();
        writer.WriteString("id", job.Id);
        writer.WriteString("provider", job.Provider);
        writer.WriteNumber("replicate", job.Replicate);
        writer.WriteString("resolution", job.Parameters.Resolution);
        writer.WriteNumber("duration", job.Parameters.Duration);
        writer.WriteString("aspect_ratio", job.Parameters.AspectRatio);
        writer.WriteString("prompt", job.Parameters.Prompt);
        writer.WriteString("image_url", job.Parameters.ImageUrl);
        if (job.Parameters.Image is { } image)
        {
            writer.WriteString("image", image.Display);
        }

        if (cost is { } c)
        {
            writer.WriteNumber("estimated_cost_usd", c);
        }
        else
        {
            writer.WriteNull("estimated_cost_usd");
        }

        writer.WriteString("output", job.OutputPath);
        writer.WriteStartObject("axes");
        foreach (var (key, value) in job.Axes)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
