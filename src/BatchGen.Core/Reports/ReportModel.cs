using System.Runtime.CompilerServices;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Every figure the reports print. Jobs are taken in id order and every group is sorted by its key, so the model (and
/// every file written from it) does not depend on input order. Built from a list in memory (<see cref="Build"/>: a
/// contact sheet page, tests) or from the ledger one job at a time (<see cref="BuildAsync"/>: only the figures are kept).
/// </summary>
public sealed record ReportModel
{
    public required ReportInput Input { get; init; }

    /// <summary>The jobs sorted by id (ordinal) when the model was built from a list; empty when built from a stream.</summary>
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

    /// <summary>The distinct values of each dimension, in report order.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Dimensions with more than <see cref="ReportModelBuilder.MaxValuesPerDimension"/> values: not broken down.</summary>
    internal IReadOnlySet<string> TooManyValues { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Jobs whose provider-reported cost is flagged, by id.</summary>
    internal IReadOnlyList<FlaggedJob> Flagged { get; init; } = [];

    /// <summary>Succeeded jobs whose video differs from the request, by id.</summary>
    internal IReadOnlyList<DifferingVideo> Differing { get; init; } = [];

    /// <summary>The checked videos of the batch's jobs, by job id.</summary>
    internal IReadOnlyList<(string JobId, Reviews.VideoCheck Check)> Checked { get; init; } = [];

    /// <summary>How many cells of a (row axis, column axis) grid hold at least one job.</summary>
    internal Func<string, string?, int> CellCounter { get; init; } = (_, _) => 0;

    public static ReportModel Build(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var jobs = input.Jobs
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .ThenBy(j => j.Provider, StringComparer.Ordinal)
            .ToList();
        var builder = new ReportModelBuilder(input);
        foreach (var job in jobs)
        {
            builder.Add(job);
        }

        return builder.Build(jobs);
    }

    /// <summary>
    /// The model of <paramref name="settings"/> (its <see cref="ReportInput.Jobs"/> are ignored) over
    /// <paramref name="jobsById"/>, which must come sorted by id. With <paramref name="timeFromJobs"/> the report time
    /// is the last update among them (a rebuild from the ledger gives the same bytes).
    /// </summary>
    internal static async Task<ReportModel> BuildAsync(ReportInput settings, IAsyncEnumerable<LedgerJob> jobsById, bool timeFromJobs, CancellationToken cancellationToken)
    {
        var built = new StrongBox<ReportModel?>();
        await foreach (var _ in BuildWhileAsync(settings, jobsById, timeFromJobs, built, cancellationToken).ConfigureAwait(false))
        {
        }

        return built.Value!;
    }

    /// <summary>
    /// As <see cref="BuildAsync"/>, passing each job on once it is counted, so another report can be written in the
    /// same read of the ledger; <paramref name="built"/> holds the model once the stream has ended.
    /// </summary>
    internal static async IAsyncEnumerable<LedgerJob> BuildWhileAsync(
        ReportInput settings,
        IAsyncEnumerable<LedgerJob> jobsById,
        bool timeFromJobs,
        StrongBox<ReportModel?> built,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(jobsById);
        ArgumentNullException.ThrowIfNull(built);
        var builder = new ReportModelBuilder(settings);
        string? previous = null;
        await foreach (var job in jobsById.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (previous is not null && string.CompareOrdinal(previous, job.Id) >= 0)
            {
                throw new InvalidOperationException($"jobs for the reports must come sorted by id: {job.Id} after {previous}");
            }

            previous = job.Id;
            builder.Add(job);
            yield return job;
        }

        var model = builder.Build();
        built.Value = timeFromJobs ? model with { Input = model.Input with { GeneratedAt = builder.LastUpdate ?? DateTimeOffset.UnixEpoch } } : model;
    }

    /// <summary>The distinct values of a dimension, in report order.</summary>
    public IReadOnlyList<string> ValuesOf(string dimension) => Values.TryGetValue(dimension, out var values) ? values : [];
}
