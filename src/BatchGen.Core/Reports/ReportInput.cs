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

    /// <summary>Providers configured with <c>ChargeFailedJobs</c>: their failed jobs count as spent at their estimate.</summary>
    public IReadOnlySet<string> ChargeFailedProviders { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>The two axes of the contact sheet grid. Null = a sensible default (see <see cref="ReportWriter"/>).</summary>
public sealed record ContactSheetOptions(string? RowAxis, string? ColumnAxis)
{
    public static ContactSheetOptions Default { get; } = new(null, null);
}
