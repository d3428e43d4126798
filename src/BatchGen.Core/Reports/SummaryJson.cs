using System.Text;
using System.Text.Json;

namespace BatchGen.Core.Reports;

/// <summary>
/// summary.json: the cost report's figures for machines. Field names are stable (camelCase); money is a JSON
/// number with 2 to 6 decimals, rates with 4, seconds with 1; null when not applicable.
/// </summary>
internal static class SummaryJson
{
    public const int SchemaVersion = 1;

    public static string Render(ReportModel model)
    {
        var json = ReportJson.ToCompactString(
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("schemaVersion", SchemaVersion);
                writer.WriteString("batch", model.Input.BatchName);
                writer.WriteString("generatedAt", ReportFormat.Time(model.Input.GeneratedAt));
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
                    writer.WriteRounded("successRate", r.SuccessRate, 4);
                    writer.WriteRounded("latencyP50Seconds", r.LatencyP50Seconds, 1);
                    writer.WriteRounded("latencyP95Seconds", r.LatencyP95Seconds, 1);
                    writer.WriteMoney("spentUsd", r.SpentUsd);
                    writer.WriteMoney("costPerSuccessUsd", r.CostPerSuccessUsd);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                ReviewReport.Json(writer, model);
                writer.WriteEndObject();
            },
            ReportJson.FileOptions(indented: true));
        return new StringBuilder(json).Append('\n').ToString();
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
        writer.WriteNumber("inFlight", g.InFlight);
        writer.WriteNumber("notSubmitted", g.NotSubmitted);
        writer.WriteMoney("estimatedUsd", g.EstimatedUsd);
        writer.WriteMoney("chargedEstimateUsd", g.ChargedEstimateUsd);
        writer.WriteMoney("spentUsd", g.SpentUsd);
        writer.WriteMoney("actualReportedUsd", g.ActualReportedUsd);
        writer.WriteMoney("remainingEstimateUsd", g.RemainingEstimateUsd);
        writer.WriteMoney("costPerSuccessUsd", g.CostPerSuccessUsd);
        writer.WriteEndObject();
    }
}
