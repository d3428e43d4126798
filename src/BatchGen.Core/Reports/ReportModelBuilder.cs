using BatchGen.Core.Ledger;

namespace BatchGen.Core.Reports;

/// <summary>
/// Builds a <see cref="ReportModel"/> one job at a time, in id order, keeping per job only what a report needs beyond
/// the group figures: one small integer per dimension (for the contact sheet's layout), and the few jobs the
/// flagged-cost, differing-video and review sections name. Memory grows with the number of distinct axis values (at
/// most <see cref="MaxValuesPerDimension"/> per dimension), not with the ledger's rows.
/// </summary>
internal sealed class ReportModelBuilder
{
    /// <summary>
    /// A dimension with more distinct values than this is not broken down (its section says so, it has no A/B rows and
    /// cannot be a contact-sheet axis): a CSV with a prompt per row would otherwise keep a group per job.
    /// </summary>
    public const int MaxValuesPerDimension = 10_000;

    private readonly ReportInput _input;
    private readonly List<string> _dimensions;
    private readonly GroupSet[] _byDimension;
    private readonly GroupSet _byResolutionDuration = new();
    private readonly CostGroupBuilder _total;
    private readonly List<int> _valueIndexes = [];
    private readonly List<FlaggedJob> _flagged = [];
    private readonly List<DifferingVideo> _differing = [];
    private readonly List<(string JobId, Reviews.VideoCheck Check)> _checked = [];
    private readonly HashSet<string> _reviewed;
    private readonly Dictionary<string, LedgerJob> _reviewedJobs = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastUpdate;

    public ReportModelBuilder(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _dimensions = [.. JobAxes.Dimensions(input.Axes)];
        _byDimension = _dimensions.Select(_ => new GroupSet()).ToArray();
        _total = new CostGroupBuilder(input.ChargeFailedProviders, input.PriceOf);
        _reviewed = input.Reviews.Votes.SelectMany(v => new[] { v.LeftJobId, v.RightJobId })
            .Concat(input.Reviews.Ratings.Select(r => r.JobId))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The ledger's last update over the jobs added (the report time of a rebuild); null with no job.</summary>
    public DateTimeOffset? LastUpdate => _lastUpdate;

    /// <summary>Adds the next job; jobs must come sorted by id (ordinal).</summary>
    public void Add(LedgerJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        _lastUpdate = _lastUpdate is { } last && last >= job.UpdatedAt ? last : job.UpdatedAt;
        _total.Add(job);
        for (var d = 0; d < _dimensions.Count; d++)
        {
            _valueIndexes.Add(_byDimension[d].Add(JobAxes.ValueOf(job, _dimensions[d]), job, _input));
        }

        _byResolutionDuration.Add(JobAxes.ResolutionDuration(job), job, _input);
        if (CostRules.IsFlagged(job))
        {
            _flagged.Add(new FlaggedJob(job.Id, job.Provider, job.EstimatedCostUsd!.Value, job.ActualCostUsd!.Value));
        }

        if (job is { State: JobState.Succeeded, Video.Warning: { } warning })
        {
            _differing.Add(new DifferingVideo(job.Id, job.Provider, job.FilePath ?? string.Empty, warning));
        }

        if (_input.Reviews.Checks.GetValueOrDefault(job.Id)?.Check is { } check)
        {
            _checked.Add((job.Id, check));
        }

        if (_reviewed.Contains(job.Id))
        {
            _reviewedJobs[job.Id] = job;
        }
    }

    public ReportModel Build(IReadOnlyList<LedgerJob>? jobs = null)
    {
        // Each dimension's groups sorted once (natural order: the sort is most of a page's model), for its section and its A/B rows.
        var orderedBy = _byDimension.Select(g => g.Ordered()).ToArray();
        var total = _total.Build("total");
        var sections = new List<CostSection>
        {
            Section("By provider", JobAxes.Provider, orderedBy[_dimensions.IndexOf(JobAxes.Provider)]),
            Section("By resolution x duration", "resolution x duration", _byResolutionDuration.Ordered()),
        };
        foreach (var axis in _input.Axes.Distinct(StringComparer.Ordinal).Where(a => a != JobAxes.Provider))
        {
            var d = _dimensions.IndexOf(axis);
            sections.Add(Section(_byDimension[d].Overflowed ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"By {axis}: more than {MaxValuesPerDimension:N0} values, not broken down") : $"By {axis}", axis, orderedBy[d]));
        }

        var comparison = new List<AbRow>();
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var tooMany = new HashSet<string>(StringComparer.Ordinal);
        for (var d = 0; d < _dimensions.Count; d++)
        {
            if (_byDimension[d].Overflowed)
            {
                tooMany.Add(_dimensions[d]);
            }

            var ordered = orderedBy[d];
            values[_dimensions[d]] = ordered.Select(g => g.Key).ToList();
            comparison.AddRange(ordered.Select(g => g.Ab.Build(_dimensions[d], g.Key)));
        }

        return new ReportModel
        {
            Input = _input,
            Jobs = jobs ?? [],
            Dimensions = _dimensions,
            Total = total,
            Sections = sections,
            Comparison = comparison,
            Values = values,
            TooManyValues = tooMany,
            Flagged = _flagged,
            Differing = _differing,
            Checked = _checked,
            CellCounter = FilledCells,
            Review = Reviews.ReviewRanking.Build(_dimensions, d => values[d], _reviewedJobs, _input.Reviews.Votes, _input.Reviews.Ratings),
        };

        CostSection Section(string title, string dimension, List<Group> ordered) =>
            new(title, dimension, ordered.Select(g => g.Cost.Build(g.Key)).ToList(), total);
    }

    /// <summary>Distinct (row value, column value) pairs over the jobs: how many cells of the grid hold a job.</summary>
    private int FilledCells(string rowAxis, string? columnAxis)
    {
        var row = _dimensions.IndexOf(rowAxis);
        var column = columnAxis is null ? -1 : _dimensions.IndexOf(columnAxis);
        var pairs = new HashSet<long>();
        for (var at = 0; at < _valueIndexes.Count; at += _dimensions.Count)
        {
            pairs.Add(((long)_valueIndexes[at + row] << 32) | (uint)(column < 0 ? 0 : _valueIndexes[at + column]));
        }

        return pairs.Count;
    }

    /// <summary>The groups of one dimension, by value; each value gets a small index in order of first appearance.</summary>
    private sealed class GroupSet
    {
        private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);

        /// <summary>More than <see cref="MaxValuesPerDimension"/> values came: the groups were dropped and no more are kept.</summary>
        public bool Overflowed { get; private set; }

        /// <summary>The value's small index, or -1 once the set overflowed.</summary>
        public int Add(string key, LedgerJob job, ReportInput input)
        {
            if (Overflowed)
            {
                return -1;
            }

            if (!_groups.TryGetValue(key, out var group))
            {
                if (_groups.Count >= MaxValuesPerDimension)
                {
                    Overflowed = true;
                    _groups.Clear();
                    _groups.TrimExcess();
                    return -1;
                }

                group = new Group(key, _groups.Count, new CostGroupBuilder(input.ChargeFailedProviders, input.PriceOf), new AbRowBuilder(input.ChargeFailedProviders));
                _groups.Add(key, group);
            }

            group.Cost.Add(job);
            group.Ab.Add(job);
            return group.Index;
        }

        public List<Group> Ordered() => _groups.Values.OrderBy(g => g.Key, JobAxes.ValueComparer).ToList();
    }

    private sealed record Group(string Key, int Index, CostGroupBuilder Cost, AbRowBuilder Ab);
}

/// <summary>A provider-reported cost more than 3x from the estimate, as the reports list it.</summary>
internal sealed record FlaggedJob(string Id, string Provider, decimal EstimatedCostUsd, decimal ActualCostUsd);

/// <summary>A succeeded job whose video differs from the request (another frame size or duration).</summary>
internal sealed record DifferingVideo(string Id, string Provider, string FilePath, string Warning);
