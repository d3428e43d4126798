using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Every figure the reports print, computed once from a <see cref="ReportInput"/>. Jobs are sorted by id and
/// every group by its key, so the model (and every file written from it) does not depend on input order.
/// </summary>
public sealed record ReportModel
{
    public required ReportInput Input { get; init; }

    /// <summary>The jobs sorted by id (ordinal).</summary>
    public required IReadOnlyList<LedgerJob> Jobs { get; init; }

    /// <summary>Axes first, then provider when not an axis.</summary>
    public required IReadOnlyList<string> Dimensions { get; init; }

    public required CostGroup Total { get; init; }

    /// <summary>By provider, by resolution x duration, then one per manifest axis (declared order).</summary>
    public required IReadOnlyList<CostSection> Sections { get; init; }

    /// <summary>One row per value of each dimension.</summary>
    public required IReadOnlyList<AbRow> Comparison { get; init; }

    /// <summary>Rankings from the batch's votes and ratings (empty without any).</summary>
    public Reviews.ReviewRanking Review { get; init; } = Reviews.ReviewRanking.Empty;

    public static ReportModel Build(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var jobs = input.Jobs
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .ThenBy(j => j.Provider, StringComparer.Ordinal)
            .ToList();
        var chargeFailed = input.ChargeFailedProviders;
        var total = CostGroup.From("total", jobs, chargeFailed, input.PriceOf);

        var sections = new List<CostSection>
        {
            Section("By provider", JobAxes.Provider, jobs, j => j.Provider, chargeFailed, input.PriceOf),
            Section("By resolution x duration", "resolution x duration", jobs, JobAxes.ResolutionDuration, chargeFailed, input.PriceOf),
        };
        foreach (var axis in input.Axes.Distinct(StringComparer.Ordinal).Where(a => a != JobAxes.Provider))
        {
            sections.Add(Section($"By {axis}", axis, jobs, j => JobAxes.ValueOf(j, axis), chargeFailed, input.PriceOf));
        }

        var dimensions = JobAxes.Dimensions(input.Axes);
        var comparison = new List<AbRow>();
        foreach (var dimension in dimensions)
        {
            comparison.AddRange(jobs
                .GroupBy(j => JobAxes.ValueOf(j, dimension), StringComparer.Ordinal)
                .OrderBy(g => g.Key, JobAxes.ValueComparer)
                .Select(g => AbRow.From(dimension, g.Key, g.ToList(), chargeFailed)));
        }

        return new ReportModel
        {
            Input = input,
            Jobs = jobs,
            Dimensions = dimensions,
            Total = total,
            Sections = sections,
            Comparison = comparison,
            Review = Reviews.ReviewRanking.Build(dimensions, jobs, input.Reviews.Votes, input.Reviews.Ratings),
        };
    }

    /// <summary>The distinct values of a dimension, in report order.</summary>
    public IReadOnlyList<string> ValuesOf(string dimension) =>
        Jobs.Select(j => JobAxes.ValueOf(j, dimension)).Distinct(StringComparer.Ordinal).Order(JobAxes.ValueComparer).ToList();

    private static CostSection Section(
        string title,
        string dimension,
        IReadOnlyList<LedgerJob> jobs,
        Func<LedgerJob, string> key,
        IReadOnlySet<string> chargeFailed,
        Func<LedgerJob, decimal?>? priceOf)
    {
        var rows = jobs
            .GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, JobAxes.ValueComparer)
            .Select(g => CostGroup.From(g.Key, g, chargeFailed, priceOf))
            .ToList();
        return new CostSection(title, dimension, rows, CostGroup.From("total", jobs, chargeFailed, priceOf));
    }
}
