using System.Runtime.CompilerServices;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Manifests.Planning;

/// <summary>
/// Counts jobs by what their price depends on (provider, resolution, duration, audio, multi-clip, outputs) and by
/// axis value, cheaply: costs are computed once per price class, then multiplied by its count (exact in decimal, so
/// the totals equal a job-by-job sum); axis values, whose strings are the manifest's own value instances, are looked up
/// by reference first (no string hashing per job) and merged by text. Memory depends on the manifest's distinct values,
/// not on the job count.
/// </summary>
internal sealed class JobTally
{
    private readonly IReadOnlyDictionary<string, ProviderSettings> _providers;
    private readonly Dictionary<PriceKey, PriceClass> _classes = [];
    private readonly Dictionary<(string Axis, string Value), AxisValue> _byReference = new(ReferencePairComparer.Instance);
    private readonly Dictionary<string, Dictionary<string, AxisValue>> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AxisValue>> _order = new(StringComparer.Ordinal);
    private (string? Axis, string? Value, AxisValue? Counter)[] _last = [];
    private PriceKey _lastKey;
    private PriceClass? _lastClass;

    public JobTally(IReadOnlyDictionary<string, ProviderSettings> providers) => _providers = providers;

    public IEnumerable<PriceClass> Classes => _classes.Values;

    /// <summary>Counts one job; returns its estimated cost (null = no price).</summary>
    public decimal? Add(JobSpec job, bool countAxes)
    {
        var priceClass = ClassOf(job);
        priceClass.Jobs++;
        if (countAxes)
        {
            var axes = job.Axes;
            if (_last.Length < axes.Count)
            {
                Array.Resize(ref _last, axes.Count);
            }

            for (var i = 0; i < axes.Count; i++)
            {
                // Consecutive jobs share most axis values (only the last axes of the grid change fast).
                var (axis, value) = axes[i];
                ref var last = ref _last[i];
                if (!ReferenceEquals(axis, last.Axis) || !ReferenceEquals(value, last.Value))
                {
                    if (!_byReference.TryGetValue((axis, value), out var found))
                    {
                        found = Shared(axis, value);
                        _byReference[(axis, value)] = found;
                    }

                    last = (axis, value, found);
                }

                last.Counter!.Jobs++;
            }
        }

        return priceClass.CostUsd;
    }

    /// <summary>The price class of a job (created, with its cost, the first time it is met).</summary>
    public PriceClass ClassOf(JobSpec job)
    {
        var p = job.Parameters;
        var key = new PriceKey(job.Provider, p.Resolution, p.Duration, p.Audio, p.MultiClip, p.NumOutputs);
        if (_lastClass is not null && key.Equals(_lastKey))
        {
            return _lastClass;
        }

        if (!_classes.TryGetValue(key, out var priceClass))
        {
            priceClass = new PriceClass(job.Provider, p.Resolution, p.Duration, _providers[job.Provider].Pricing.EstimateUsd(p));
            _classes[key] = priceClass;
        }

        _lastKey = key;
        _lastClass = priceClass;
        return priceClass;
    }

    /// <summary>Axis values with their job counts, values in first-seen order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>>? AxisCounts(string axis) =>
        _order.TryGetValue(axis, out var values) ? values.Select(v => new KeyValuePair<string, long>(v.Value, v.Jobs)).ToArray() : null;

    private AxisValue Shared(string axis, string value)
    {
        if (!_byText.TryGetValue(axis, out var values))
        {
            _byText[axis] = values = new Dictionary<string, AxisValue>(StringComparer.Ordinal);
            _order[axis] = [];
        }

        if (!values.TryGetValue(value, out var counter))
        {
            values[value] = counter = new AxisValue(value);
            _order[axis].Add(counter);
        }

        return counter;
    }

    /// <summary>Jobs of one price class and their cost each.</summary>
    internal sealed class PriceClass(string provider, string resolution, int duration, decimal? costUsd)
    {
        public string Provider { get; } = provider;

        public string Resolution { get; } = resolution;

        public int Duration { get; } = duration;

        public decimal? CostUsd { get; } = costUsd;

        public long Jobs { get; set; }
    }

    private sealed class AxisValue(string value)
    {
        public string Value { get; } = value;

        public long Jobs { get; set; }
    }

    /// <summary>
    /// Compared by value (equal texts are one class whatever their instance) but hashed cheaply, from the lengths and a
    /// few characters of the provider and resolution: those are short words from small sets.
    /// </summary>
    private readonly record struct PriceKey(string Provider, string Resolution, int Duration, bool? Audio, bool? MultiClip, int? NumOutputs)
    {
        public bool Equals(PriceKey other) =>
            Duration == other.Duration && Audio == other.Audio && MultiClip == other.MultiClip && NumOutputs == other.NumOutputs
            && (ReferenceEquals(Provider, other.Provider) || string.Equals(Provider, other.Provider, StringComparison.Ordinal))
            && (ReferenceEquals(Resolution, other.Resolution) || string.Equals(Resolution, other.Resolution, StringComparison.Ordinal));

        public override int GetHashCode() => HashCode.Combine(Sketch(Provider), Sketch(Resolution), Duration, Audio, MultiClip, NumOutputs);

        private static int Sketch(string text) => text.Length == 0 ? 0 : (text.Length << 16) ^ (text[0] << 8) ^ text[^1] ^ (text[text.Length / 2] << 4);
    }

    private sealed class ReferencePairComparer : IEqualityComparer<(string Axis, string Value)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((string Axis, string Value) x, (string Axis, string Value) y) =>
            ReferenceEquals(x.Axis, y.Axis) && ReferenceEquals(x.Value, y.Value);

        public int GetHashCode((string Axis, string Value) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Axis), RuntimeHelpers.GetHashCode(obj.Value));
    }
}
