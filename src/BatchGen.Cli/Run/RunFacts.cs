using BatchGen.Core.Ledger;

namespace BatchGen.Cli.Run;

/// <summary>A provider-reported cost more than 3x from the estimate (see <see cref="Core.Costs.ReportedCostCheck"/>).</summary>
internal sealed record FlaggedCost(string JobId, string Provider, decimal EstimatedUsd, decimal ReportedUsd);

/// <summary>
/// What <c>run</c>'s closing lines, <c>--json</c> and the notification need from the ledger, read in one pass that keeps
/// only these few facts (never the rows themselves, so the end of a 100,000-job run stays small).
/// </summary>
/// <param name="FailuresByReason">Failed jobs per error code ("unknown" without one), by code.</param>
/// <param name="Flagged">Flagged provider costs, by job id.</param>
/// <param name="VideoWarnings">The first <see cref="ShownVideoWarnings"/> videos that differ from the request, in ledger order.</param>
/// <param name="VideoWarningCount">How many such videos there are in all.</param>
internal sealed record RunFacts(
    IReadOnlyDictionary<string, int> FailuresByReason,
    IReadOnlyList<FlaggedCost> Flagged,
    IReadOnlyList<(string Provider, string JobId, string Warning)> VideoWarnings,
    int VideoWarningCount)
{
    /// <summary>Jobs with no recorded estimate (never submitted): the reports price them from the manifest.</summary>
    public int Unpriced { get; init; }

    public const int ShownVideoWarnings = 5;

    public static async Task<RunFacts> ReadAsync(ILedger ledger, CancellationToken cancellationToken)
    {
        var failures = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var flagged = new List<FlaggedCost>();
        var warnings = new List<(string, string, string)>();
        var warningCount = 0;
        var unpriced = 0;
        await foreach (var job in ledger.ReadJobSummariesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (job.EstimatedCostUsd is null)
            {
                unpriced++;
            }

            if (job.State == JobState.Failed)
            {
                var code = job.ErrorCode ?? "unknown";
                failures[code] = failures.GetValueOrDefault(code) + 1;
            }

            if (Core.Costs.ReportedCostCheck.IsFlagged(job.EstimatedCostUsd, job.ActualCostUsd))
            {
                flagged.Add(new FlaggedCost(job.Id, job.Provider, job.EstimatedCostUsd!.Value, job.ActualCostUsd!.Value));
            }

            if (job is { InManifest: true, State: JobState.Succeeded, Video.Warning: { } warning } && ++warningCount <= ShownVideoWarnings)
            {
                warnings.Add((job.Provider, job.Id, warning));
            }
        }

        flagged.Sort((a, b) => string.CompareOrdinal(a.JobId, b.JobId));
        return new RunFacts(new Dictionary<string, int>(failures, StringComparer.Ordinal), flagged, warnings, warningCount) { Unpriced = unpriced };
    }
}
