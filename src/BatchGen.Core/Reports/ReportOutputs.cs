using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;

namespace BatchGen.Core.Reports;

/// <summary>
/// A job's saved output files for the reports: every recorded output with a verified file (output 1 from the job row
/// for ledgers without output records), in index order.
/// </summary>
internal static class ReportOutputs
{
    public static IReadOnlyList<LedgerOutput> Saved(LedgerJob job) =>
        job.State == JobState.Succeeded || job.Outputs.Count > 0
            ? JobOutputs.Of(job).Where(o => o.IsSaved).OrderBy(o => o.Index).ToList()
            : [];

    /// <summary>The saved outputs as a JSON array of <c>{index, file_path, bytes, sha256, width, height, duration_seconds}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<LedgerOutput> outputs)
    {
        writer.WriteStartArray();
        foreach (var output in outputs)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", output.Index);
            writer.WriteString("file_path", output.FilePath);
            Number(writer, "bytes", output.Bytes);
            writer.WriteString("sha256", output.Sha256);
            Number(writer, "width", output.Width);
            Number(writer, "height", output.Height);
            writer.WriteRounded("duration_seconds", output.DurationSeconds, 3);
            if (output.ObjectKey is not null)
            {
                writer.WriteString("object_key", output.ObjectKey);
                writer.WriteString("object_url", output.ObjectUrl);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The JSON array as compact text (the <c>output_files</c> column), empty when there is no saved output.</summary>
    public static string Column(LedgerJob job)
    {
        var outputs = Saved(job);
        return outputs.Count == 0 ? string.Empty : ReportJson.ToCompactString(writer => Write(writer, outputs));
    }

    private static void Number(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
