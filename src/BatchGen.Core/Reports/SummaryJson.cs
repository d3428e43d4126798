using System.Text;
using System.Text.Json;

namespace BatchGen.Core.Reports;

/// <summary>
/// summary.json: the cost report's figures for machines. Field names are stable (snake_case, like every JSON BatchGen writes); money is a JSON
/// number with 2 to 6 decimals, rates with 4, seconds with 1; null when not applicable.
/// </summary>
internal static class SummaryJson
{
    public const int SchemaVersion = 2;

    public static string Render(ReportModel model)
    {
        var buffer = new MemoryStream();
        Write(model, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes summary.json (UTF-8, a final line feed) to <paramref name="output"/>, flushing as it goes.</summary>
    public static void Write(ReportModel model, Stream output)
    {
        using (var writer = new Utf8JsonWriter(output, ReportJson.FileOptions(indented: true)))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schema_version", SchemaVersion);
            writer.WriteString("batch", model.Input.BatchName);
            writer.WriteBoolean("simulated", model.Input.Simulated);
            writer.WriteString("generated_at", ReportFormat.Time(model.Input.GeneratedAt));
            writer.WriteStartArray("axes");
            foreach (var axis in model.Input.Axes)
            {
                writer.WriteStringValue(axis);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("totals");
            WriteGroup(writer, model.Total, withKey: false);
            writer.WriteStartArray("sections");
            foreach (var section in model.Sections)
            {
                writer.WriteStartObject();
                writer.WriteString("title", section.Title);
                writer.WriteString("dimension", section.Dimension);
                writer.WriteStartArray("rows");
                foreach (var row in section.Rows)
                {
                    WriteGroup(writer, row, withKey: true);
                    Spill(writer);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("total");
                WriteGroup(writer, section.Total, withKey: false);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("comparison");
            foreach (var r in model.Comparison)
            {
                writer.WriteStartObject();
                writer.WriteString("axis", r.Axis);
                writer.WriteString("value", r.Value);
                writer.WriteNumber("jobs", r.Jobs);
                writer.WriteNumber("succeeded", r.Succeeded);
                writer.WriteNumber("failed", r.Failed);
                writer.WriteRounded("success_rate", r.SuccessRate, 4);
                writer.WriteRounded("latency_p50_seconds", r.LatencyP50Seconds, 1);
                writer.WriteRounded("latency_p95_seconds", r.LatencyP95Seconds, 1);
                writer.WriteMoney("spent_usd", r.SpentUsd);
                writer.WriteMoney("cost_per_success_usd", r.CostPerSuccessUsd);
                writer.WriteEndObject();
                Spill(writer);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("flagged_costs");
            foreach (var job in model.Flagged)
            {
                writer.WriteStartObject();
                writer.WriteString("job_id", job.Id);
                writer.WriteString("provider", job.Provider);
                writer.WriteMoney("estimated_cost_usd", job.EstimatedCostUsd);
                writer.WriteMoney("reported_cost_usd", job.ActualCostUsd);
                writer.WriteString("reason", Costs.ReportedCostCheck.Explain(job.EstimatedCostUsd, job.ActualCostUsd));
                writer.WriteEndObject();
                Spill(writer);
            }

            writer.WriteEndArray();
            ReviewReport.Json(writer, model);
            writer.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
        output.Flush();
    }

    private static void Spill(Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= 32 * 1024)
        {
            writer.Flush();
        }
    }

    private static void WriteGroup(Utf8JsonWriter writer, CostGroup g, bool withKey)
    {
        writer.WriteStartObject();
        if (withKey)
        {
            writer.WriteString("key", g.Key);
        }

        writer.WriteNumber("jobs", g.Jobs);
        writer.WriteNumber("succeeded", g.Succeeded);
        writer.WriteNumber("failed", g.Failed);
        writer.WriteNumber("in_flight", g.InFlight);
        writer.WriteNumber("not_submitted", g.NotSubmitted);
        writer.WriteMoney("estimated_usd", g.EstimatedUsd);
        writer.WriteMoney("charged_estimate_usd", g.ChargedEstimateUsd);
        writer.WriteMoney("spent_usd", g.SpentUsd);
        writer.WriteMoney("actual_reported_usd", g.ActualReportedUsd);
        writer.WriteMoney("remaining_estimate_usd", g.RemainingEstimateUsd);
        writer.WriteNumber("remaining_jobs", g.RemainingJobs);
        writer.WriteNumber("remaining_unpriced_jobs", g.RemainingUnpriced);
        writer.WriteMoney("flagged_reported_usd", g.FlaggedReportedUsd);
        writer.WriteNumber("flagged_jobs", g.FlaggedJobs);
        writer.WriteMoney("cost_per_success_usd", g.CostPerSuccessUsd);
        writer.WriteEndObject();
    }
}
