using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Everything a report is built from: ledger rows plus the manifest's axis names. Reports depend only on this
/// (never on the order of <see cref="Jobs"/>), so a report rebuilt after a resume equals one from an
/// uninterrupted run with the same ledger rows.
/// </summary>
/// <param name="BatchName">Shown in titles.</param>
/// <param name="Axes">The manifest's axis names in declared order (style, seed, template variables...).</param>
/// <param name="Jobs">Ledger rows, any order.</param>
/// <param name="GeneratedAt">Printed in the reports; pass the ledger's last update for byte-identical rebuilds.</param>
public sealed record ReportInput(string BatchName, IReadOnlyList<string> Axes, IReadOnlyList<LedgerJob> Jobs, DateTimeOffset GeneratedAt)
{
    /// <summary>
    /// The directory job file paths (<see cref="LedgerJob.FilePath"/>) are relative to: the batch's output
    /// directory. Null = the report directory itself.
    /// </summary>
    public string? OutputRoot { get; init; }

    /// <summary>Votes, ratings and automatic video checks (see <see cref="Reviews.ReviewRanking"/>).</summary>
    public Reviews.ReviewData Reviews { get; init; } = Core.Reviews.ReviewData.Empty;

    /// <summary>Providers configured with <c>ChargeFailedJobs</c>: their failed jobs count as spent at their estimate.</summary>
    public IReadOnlySet<string> ChargeFailedProviders { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Prices a job that has no recorded estimate (never submitted) for "Remaining, estimated": the batch's price
    /// table. Null = such jobs are counted as unpriced.
    /// </summary>
    public Func<LedgerJob, decimal?>? PriceOf { get; init; }

    /// <summary>Links to the videos in the output store (<c>output.store</c>); null when the batch has none.</summary>
    public ObjectLinks? Links { get; init; }

    /// <summary>True when the ledger was written against the simulator: every money figure is labelled simulated.</summary>
    public bool Simulated { get; init; }

    /// <summary>
    /// The input for a batch read back from its ledger. Axes default to the axis names the jobs carry (first seen
    /// over jobs sorted by id, which is the manifest's declared order). The report time is the ledger's last update,
    /// so rebuilding from the same rows gives the same bytes.
    /// </summary>
    public static ReportInput FromLedger(
        string batchName,
        IReadOnlyList<LedgerJob> jobs,
        string outputRoot,
        IReadOnlyList<string>? axes = null,
        IReadOnlySet<string>? chargeFailedProviders = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        var generatedAt = sorted.Count == 0 ? DateTimeOffset.UnixEpoch : sorted.Max(j => j.UpdatedAt);
        return new ReportInput(batchName, axes ?? ResultColumns.InferAxes(sorted), jobs, generatedAt)
        {
            OutputRoot = outputRoot,
            ChargeFailedProviders = chargeFailedProviders ?? new HashSet<string>(StringComparer.Ordinal),
        };
    }

    /// <summary>The batch name shown for a manifest or ledger path: the manifest's file name, or the ledger's directory name.</summary>
    public static string NameFor(string path, ReportTargetKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        return kind == ReportTargetKind.Manifest || Directory.Exists(full)
            ? Path.GetFileNameWithoutExtension(full)
            : Path.GetFileName(Path.GetDirectoryName(full)) ?? "batch";
    }
}

/// <summary>The two axes of the contact sheet grid. Null = a sensible default (see <see cref="ReportWriter"/>).</summary>
public sealed record ContactSheetOptions(string? RowAxis, string? ColumnAxis)
{
    public static ContactSheetOptions Default { get; } = new(null, null);
}
