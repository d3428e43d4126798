using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>What <c>batchgen report</c> was asked for, after parsing.</summary>
/// <param name="BatchName">Shown in titles (see <see cref="ReportInput.NameFor"/>).</param>
/// <param name="OutputRoot">The batch's output directory (job file paths are relative to it).</param>
/// <param name="OutDirectory">Where to write the reports; null = <paramref name="OutputRoot"/>.</param>
/// <param name="Sheet">Contact sheet axes from --rows and --cols.</param>
public sealed record ReportRequest(string BatchName, string OutputRoot, string? OutDirectory, ContactSheetOptions Sheet)
{
    /// <summary>Axis names in declared order when the manifest is known; null = inferred from the jobs.</summary>
    public IReadOnlyList<string>? Axes { get; init; }

    public IReadOnlySet<string>? ChargeFailedProviders { get; init; }

    /// <summary>Prices jobs never submitted for "Remaining, estimated" (see <see cref="UnsubmittedPrices"/>).</summary>
    public Func<LedgerJob, decimal?>? PriceOf { get; init; }

    /// <summary>Links to the videos in the output store; null when the batch has none.</summary>
    public ObjectLinks? Links { get; init; }

    /// <summary>The ledger ran against the simulator: money is labelled simulated.</summary>
    public bool Simulated { get; init; }

    /// <summary>The batch's votes, ratings and video checks (review section of the reports).</summary>
    public Reviews.ReviewData Reviews { get; init; } = Core.Reviews.ReviewData.Empty;
}

/// <summary>The result of a report build: the files written, or one line saying what was wrong.</summary>
public sealed record ReportOutcome(IReadOnlyList<string> Written, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>The engine of <c>batchgen report</c> (and of the reports <c>run</c> writes at its end), given the ledger rows.</summary>
public static class ReportBuilder
{
    /// <summary>Validates the request against the jobs and writes every report. Usage errors come back as values.</summary>
    public static async Task<ReportOutcome> BuildAsync(ReportRequest request, IReadOnlyList<LedgerJob> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(jobs);
        var input = ReportInput.FromLedger(request.BatchName, jobs, request.OutputRoot, request.Axes, request.ChargeFailedProviders) with
        {
            PriceOf = request.PriceOf,
            Simulated = request.Simulated,
            Reviews = request.Reviews,
            Links = request.Links,
        };
        if (ReportWriter.Validate(input, request.Sheet) is { } error)
        {
            return new ReportOutcome([], error);
        }

        var written = await ReportWriter.WriteAllAsync(input, request.OutDirectory ?? request.OutputRoot, request.Sheet, cancellationToken).ConfigureAwait(false);
        return new ReportOutcome(written, null);
    }
}
