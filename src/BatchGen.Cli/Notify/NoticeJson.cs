using System.Globalization;
using System.Text;
using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;

namespace BatchGen.Cli.Notify;

/// <summary>
/// The JSON body of a notification (snake_case keys) with a Slack-compatible <c>text</c> field. Any secret given is
/// replaced by <c>***</c> wherever it would appear, as a last guard (messages never carry keys in the first place).
/// </summary>
internal static class NoticeJson
{
    public static string Build(RunNotice notice, DateTimeOffset finishedAt, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(json, notice, finishedAt);
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        foreach (var secret in secrets.Where(s => s.Length >= 4))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The one-line summary (also the Slack message).</summary>
    public static string Text(RunNotice notice)
    {
        var c = CultureInfo.InvariantCulture;
        var name = notice.BatchName ?? Path.GetFileNameWithoutExtension(notice.ManifestPath);
        var simulated = notice.Simulated ? " (simulated)" : string.Empty;
        var head = $"batchgen {name}: {notice.Outcome.Replace('_', ' ')}, exit {notice.ExitCode.ToString(c)}";
        if (notice.Summary is not { } s)
        {
            return notice.Error is { } error ? $"{head}: {error}" : head;
        }

        var line = string.Create(c, $"{head}: {s.Total} jobs, {s.Count(JobState.Succeeded)} succeeded, {s.Count(JobState.Failed)} failed, {s.Count(JobState.Pending)} pending; spent ${s.SpentUsd:0.00}{simulated}");
        if (s.MaxCostUsd is { } max)
        {
            line += string.Create(c, $" of ${max:0.00}");
        }

        if (s.Halts.Count > 0)
        {
            line += "; " + string.Join("; ", s.Halts.Select(h => h.Message));
        }

        return notice.Error is { } err ? $"{line}; {err}" : line;
    }

    private static void Write(Utf8JsonWriter json, RunNotice notice, DateTimeOffset finishedAt)
    {
        var s = notice.Summary;
        json.WriteStartObject();
        json.WriteString("text", Text(notice));
        json.WriteString("run_id", notice.RunId);
        json.WriteString("batch", notice.BatchName);
        json.WriteString("manifest", notice.ManifestPath);
        json.WriteString("outcome", notice.Outcome);
        json.WriteNumber("exit_code", notice.ExitCode);
        json.WriteBoolean("simulated", notice.Simulated);
        json.WriteString("started_at", notice.StartedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("finished_at", finishedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        json.WriteNumber("duration_seconds", Math.Round((finishedAt - notice.StartedAt).TotalSeconds, 3));
        json.WriteStartObject("counts");
        foreach (var state in Enum.GetValues<JobState>())
        {
            json.WriteNumber(StateName(state), s?.Count(state) ?? 0);
        }

        json.WriteEndObject();
        json.WriteNumber("total", s?.Total ?? 0);
        json.WriteNumber("ambiguous", s?.Ambiguous ?? 0);
        json.WriteStartObject("budget");
        json.WriteNumber("spent_usd", s?.SpentUsd ?? 0m);
        WriteMoney(json, "max_cost_usd", s?.MaxCostUsd);
        WriteMoney(json, "max_cost_per_day_usd", notice.MaxCostPerDayUsd);
        WriteMoney(json, "max_cost_per_month_usd", notice.MaxCostPerMonthUsd);
        WriteMoney(json, "spent_today_usd", notice.SpentTodayUsd);
        WriteMoney(json, "spent_this_month_usd", notice.SpentThisMonthUsd);
        json.WriteNumber("not_submitted_jobs", s?.BudgetRemainingJobs ?? 0);
        json.WriteNumber("not_submitted_estimate_usd", s?.BudgetRemainingCostUsd ?? 0m);
        json.WriteString("stop", s?.PeriodBudgetStop);
        json.WriteEndObject();
        json.WriteStartObject("failures_by_reason");
        foreach (var (reason, count) in notice.FailuresByReason)
        {
            json.WriteNumber(reason, count);
        }

        json.WriteEndObject();
        json.WriteStartArray("halts");
        foreach (var halt in s?.Halts ?? [])
        {
            json.WriteStartObject();
            json.WriteString("rule", halt.Rule);
            json.WriteString("provider", halt.Provider.Length == 0 ? null : halt.Provider);
            json.WriteNumber("failed", halt.Failed);
            json.WriteNumber("finished", halt.Finished);
            json.WriteString("message", halt.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("error", notice.Error);
        json.WriteStartObject("paths");
        json.WriteString("output_dir", notice.OutputDirectory);
        json.WriteString("ledger", notice.LedgerLocation ?? (notice.OutputDirectory is { } dir ? Path.Combine(dir, "ledger.db") : null));
        json.WriteString("summary", notice.OutputDirectory is { } d ? Path.Combine(d, "summary.json") : null);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteMoney(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>snake_case of a state name (Submitting -> submitting).</summary>
    private static string StateName(JobState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());
}
