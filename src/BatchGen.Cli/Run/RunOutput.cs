using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchGen.Cli.Rendering;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Reports;
using Spectre.Console;

namespace BatchGen.Cli.Run;

/// <summary>
/// What <c>run</c> leaves behind once the engine stopped: the reports, the closing lines for people (money with two
/// decimals, "simulated" beside it when it was), flagged provider costs, and with <c>--json</c> one summary object.
/// </summary>
internal sealed class RunOutput(IAnsiConsole console, TextWriter stderr, Manifest manifest, string outputDirectory, bool simulated)
{
    /// <summary>Where the ledger is, for the closing lines (a file path, or a PostgreSQL server and batch without password).</summary>
    public string? LedgerLocation { get; init; }

    /// <summary>Ledger meta key: "true" when the ledger's jobs ran against the simulator.</summary>
    public const string SimulatedMetaKey = "simulated";

    private const int MaxFlaggedLines = 10;

    /// <summary>
    /// Records whether this ledger runs against the simulator, and refuses to mix: a real run on a simulated ledger
    /// would skip jobs the simulator "succeeded" (no real video), a simulated run would mix fake results into real ones.
    /// </summary>
    public static async Task<int?> CheckSimulatedAsync(ILedger ledger, bool simulate, TextWriter stderr, CancellationToken cancellationToken)
    {
        var value = simulate ? "true" : "false";
        if (await ledger.GetMetaAsync(SimulatedMetaKey, cancellationToken).ConfigureAwait(false) is { } recorded && recorded != value)
        {
            var (was, now) = recorded == "true" ? ("a simulated run (--simulate)", "a real one") : ("real runs", "a simulated one (--simulate)");
            await stderr.WriteLineAsync($"batchgen: {ledger.Location}: written by {was}; {now} cannot resume it (results would mix). Use another --out directory.").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        await ledger.SetMetaAsync(SimulatedMetaKey, value, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Writes every report, reading the ledger's jobs in id order one at a time (see <see cref="ReportWriter"/>), unless
    /// the reports written last are still those of the ledger as it is (see <see cref="ReportFreshness"/>).
    /// </summary>
    public async Task WriteReportsAsync(ILedger ledger, RunFacts facts)
    {
        using var store = manifest.OutputStore is { } o ? new Core.Storage.S3ObjectStore(o.Store, TimeProvider.System) : null;
        var reviews = await ledger.ReadReviewsAsync(CancellationToken.None).ConfigureAwait(false);
        var chargeFailed = manifest.Providers.Values.Where(p => p.ChargeFailedJobs).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var input = ReportInput.FromLedger(manifest.Name, [], outputDirectory, manifest.Axes, chargeFailed) with
        {
            PriceOf = UnsubmittedPrices.From(manifest.Providers),
            Simulated = simulated,
            Reviews = reviews,
            Links = store is null ? null : ObjectLinks.For(store, manifest.OutputStore!.LinkLifetime, TimeProvider.System),
        };
        var key = await ReportFreshness.KeyAsync(ledger, input, facts, CancellationToken.None).ConfigureAwait(false);
        if (key is not null && await ReportFreshness.IsCurrentAsync(ledger, key, CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        // Forgotten first: reports cut short by a crash must not pass for current on the next run.
        await ReportFreshness.ForgetAsync(ledger, CancellationToken.None).ConfigureAwait(false);
        var written = await ReportWriter.WriteAllAsync(input, ledger, outputDirectory, ContactSheetOptions.Default, CancellationToken.None).ConfigureAwait(false);
        if (key is not null)
        {
            await ReportFreshness.RecordAsync(ledger, key, written, CancellationToken.None).ConfigureAwait(false);
        }
        if (input.Links?.Problem is { } linkProblem)
        {
            await stderr.WriteLineAsync($"batchgen: warning: the reports have no links to the stored videos: {linkProblem}").ConfigureAwait(false);
        }
    }

    /// <summary>"spent $9.90, $10.10 reserved for 22 unresolved submits" (docs/reports.md, the money figures).</summary>
    private string Money(BatchGen.Core.Costs.BatchMoney money) =>
        $"spent {Format.Usd(money.SpentUsd, simulated)}, {Format.Usd(money.ReservedUsd)} reserved for {Format.Quantity(money.ReservedJobs, "unresolved submit")}";

    public async Task PrintSummaryAsync(RunSummary summary, IReadOnlyList<FlaggedCost> flagged)
    {
        var unfinished = summary.Count(JobState.Submitted) + summary.Count(JobState.Running) + summary.Count(JobState.Generated);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Format.Quantity(summary.Total, "job")}: {summary.Count(JobState.Succeeded)} succeeded, {summary.Count(JobState.Failed)} failed, {summary.Count(JobState.Blocked)} blocked, {summary.Count(JobState.Pending)} pending, {summary.Ambiguous} ambiguous, {unfinished} unfinished; {Money(summary.Money)}, {Format.Usd(summary.Money.EstimatedUsd)} estimated for the jobs submitted so far"));
        if (summary.Lost > 0)
        {
            console.WriteLine($"{Format.Quantity(summary.Lost, "job")} in the ledger {(summary.Lost == 1 ? "is" : "are")} no longer in the manifest (kept, not run)");
        }

        if (summary.Retry.Describe() is { } retry)
        {
            await stderr.WriteLineAsync(retry).ConfigureAwait(false);
        }

        foreach (var (provider, reason) in summary.BlockedProviders)
        {
            await stderr.WriteLineAsync($"blocked: {provider}: {Messages.WithoutPrefix(reason, provider)}").ConfigureAwait(false);
        }

        foreach (var halt in summary.Halts)
        {
            await stderr.WriteLineAsync($"halted: {halt.Message}; {Format.Quantity(summary.Count(JobState.Pending), "job")} left pending, jobs in flight were finished. Run the same command again to resume.").ConfigureAwait(false);
        }

        await PrintFlaggedAsync(flagged).ConfigureAwait(false);
        if (summary.PeriodBudgetStop is { } periodStop)
        {
            await stderr.WriteLineAsync($"budget reached: {periodStop}; {Format.Quantity(summary.BudgetRemainingJobs, "job")} not submitted, estimated {Format.Usd(summary.BudgetRemainingCostUsd)} more. Resume in the next period, or raise the cap.").ConfigureAwait(false);
        }
        else if (summary.StopReason == RunStopReason.BudgetReached)
        {
            await stderr.WriteLineAsync($"budget reached: {Money(summary.Money)}, {(summary.MaxCostUsd is { } max ? $"of {Format.Usd(max)}" : "under a provider's max_cost")}; {Format.Quantity(summary.BudgetRemainingJobs, "job")} not submitted, estimated {Format.Usd(summary.BudgetRemainingCostUsd)} more. Rerun with a higher --max-cost to continue.").ConfigureAwait(false);
        }

        if (summary.Ambiguous > 0)
        {
            await stderr.WriteLineAsync($"{Format.Quantity(summary.Ambiguous, "job")} {(summary.Ambiguous == 1 ? "has" : "have")} a submit whose outcome is unknown: not resubmitted, to avoid paying twice. Check the provider's dashboard, then rerun with --resubmit-ambiguous if they never arrived.").ConfigureAwait(false);
        }

        if (summary.StopReason == RunStopReason.Cancelled)
        {
            await stderr.WriteLineAsync("stopped: the ledger is consistent; run the same command again to resume.").ConfigureAwait(false);
        }

        console.WriteLine($"videos:  {outputDirectory}");
        console.WriteLine($"ledger:  {LedgerLocation ?? Path.Combine(outputDirectory, ReportTarget.LedgerFileName)}");
        console.WriteLine($"summary: {Path.Combine(outputDirectory, ReportWriter.SummaryJsonFile)} (cost-report.md, results.csv, contact-sheet.html beside it)");
    }

    /// <summary>Provider-reported costs more than 3x from the estimate: one line each (what, where), never summed silently.</summary>
    private async Task PrintFlaggedAsync(IReadOnlyList<FlaggedCost> flagged)
    {
        foreach (var job in flagged.Take(MaxFlaggedLines))
        {
            await stderr.WriteLineAsync($"flagged cost: {job.Provider}: job {job.JobId}: {Core.Costs.ReportedCostCheck.Explain(job.EstimatedUsd, job.ReportedUsd)}").ConfigureAwait(false);
        }

        if (flagged.Count > MaxFlaggedLines)
        {
            await stderr.WriteLineAsync($"flagged cost: {Format.Quantity(flagged.Count - MaxFlaggedLines, "more job")} (see cost-report.md)").ConfigureAwait(false);
        }
    }

    /// <summary><c>run --json</c>: one object on stdout, snake_case keys, money in full precision.</summary>
    public async Task WriteJsonAsync(TextWriter stdout, RunSummary summary, IReadOnlyList<FlaggedCost> flagged, int exitCode)
    {
        var buffer = new MemoryStream();
        var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("manifest", manifest.Path);
            writer.WriteString("name", manifest.Name);
            writer.WriteString("output_directory", outputDirectory);
            writer.WriteString("ledger", LedgerLocation ?? Path.Combine(outputDirectory, ReportTarget.LedgerFileName));
            writer.WriteBoolean("simulated", simulated);
            writer.WriteNumber("exit_code", exitCode);
            writer.WriteString("stop_reason", summary.StopReason switch
            {
                RunStopReason.BudgetReached => "budget_reached",
                RunStopReason.Cancelled => "cancelled",
                RunStopReason.Halted => "halted",
                _ => "none",
            });
            writer.WriteNumber("jobs", summary.Total);
            writer.WriteStartObject("states");
            foreach (var state in Enum.GetValues<JobState>())
            {
                writer.WriteNumber(state.ToString().ToLowerInvariant(), summary.Count(state));
            }

            writer.WriteEndObject();
            writer.WriteNumber("ambiguous", summary.Ambiguous);
            writer.WriteNumber("added", summary.Added);
            writer.WriteNumber("lost", summary.Lost);
            writer.WriteNumber("not_uploaded", summary.StoragePending);
            if (summary.StorageProblem is { } storageProblem)
            {
                writer.WriteString("storage_error", storageProblem);
            }

            writer.WriteNumber("spent_usd", summary.SpentUsd);
            WriteNullable(writer, "max_cost_usd", summary.MaxCostUsd);
            writer.WriteNumber("budget_remaining_jobs", summary.BudgetRemainingJobs);
            writer.WriteNumber("budget_remaining_cost_usd", summary.BudgetRemainingCostUsd);
            writer.WriteStartObject("blocked_providers");
            foreach (var (provider, reason) in summary.BlockedProviders)
            {
                writer.WriteString(provider, reason);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("flagged_costs");
            foreach (var job in flagged)
            {
                writer.WriteStartObject();
                writer.WriteString("job_id", job.JobId);
                writer.WriteString("provider", job.Provider);
                writer.WriteNumber("estimated_cost_usd", job.EstimatedUsd);
                writer.WriteNumber("reported_cost_usd", job.ReportedUsd);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, decimal? value)
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
