namespace BatchGen.Core.Pipeline;

/// <summary>A provider and the job parameters its latency depends on: resolution and video duration.</summary>
internal readonly record struct LatencyClass(string Provider, string Resolution, int Duration);

/// <summary>
/// Completion-time estimates per provider and resolution/duration class, from the last <see cref="Window"/> finished
/// tasks of each class (recent ones only, so the estimate follows a provider that gets faster or slower). Each task
/// contributes the interval its completion is known to lie in (see <see cref="LatencyDistribution"/>), never "submit to
/// the poll that saw it finished", which counts the poll's lateness as latency and only ratchets up.
/// </summary>
internal sealed class LatencyTracker
{
    /// <summary>Observations kept per class.</summary>
    public const int Window = 128;

    /// <summary>Observations a class needs before its estimate is used.</summary>
    public const int MinimumObservations = 5;

    private readonly Dictionary<LatencyClass, ClassState> _classes = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// A task of <paramref name="latencyClass"/> was seen unfinished at <paramref name="notDoneAt"/> (the send time of
    /// that poll, or zero) and finished by <paramref name="doneBy"/> (the answer time of the poll that saw it), both
    /// measured from its submit.
    /// </summary>
    public void Observe(LatencyClass latencyClass, TimeSpan notDoneAt, TimeSpan doneBy)
    {
        var lo = Math.Max(0, notDoneAt.TotalSeconds);
        var hi = Math.Max(lo, doneBy.TotalSeconds);
        lock (_gate)
        {
            if (!_classes.TryGetValue(latencyClass, out var state))
            {
                state = new ClassState();
                _classes[latencyClass] = state;
            }

            if (state.Intervals.Count == Window)
            {
                state.Intervals.Dequeue();
            }

            state.Intervals.Enqueue((lo, hi));
            state.SinceFit++;
        }
    }

    /// <summary>
    /// The class's current estimate, or null before <see cref="MinimumObservations"/> tasks finished. Refitted after
    /// every new observation while a class has few, then after every eighth; the same instance is returned in between
    /// (callers may cache what they derive from it by reference).
    /// </summary>
    public LatencyDistribution? Estimate(LatencyClass latencyClass)
    {
        lock (_gate)
        {
            if (!_classes.TryGetValue(latencyClass, out var state) || state.Intervals.Count < MinimumObservations)
            {
                return null;
            }

            var refitEvery = state.Intervals.Count < 32 ? 1 : 8;
            if (state.Fit is null || state.SinceFit >= refitEvery)
            {
                state.Fit = LatencyDistribution.Fit([.. state.Intervals]);
                state.SinceFit = 0;
            }

            return state.Fit;
        }
    }

    private sealed class ClassState
    {
        public Queue<(double NotDoneAt, double DoneBy)> Intervals { get; } = new(Window);

        public int SinceFit { get; set; }

        public LatencyDistribution? Fit { get; set; }
    }
}
