namespace BatchGen.Core.Pipeline;

/// <summary>Running median of generation latency per provider and resolution (last 101 samples), for the first poll.</summary>
internal sealed class LatencyTracker
{
    private const int Window = 101;
    private readonly Dictionary<(string Provider, string Resolution), Queue<double>> _samples = [];
    private readonly Lock _gate = new();

    public void Add(string provider, string resolution, TimeSpan latency)
    {
        lock (_gate)
        {
            if (!_samples.TryGetValue((provider, resolution), out var queue))
            {
                queue = new Queue<double>(Window);
                _samples[(provider, resolution)] = queue;
            }

            if (queue.Count == Window)
            {
                queue.Dequeue();
            }

            queue.Enqueue(latency.TotalSeconds);
        }
    }

    public TimeSpan? Median(string provider, string resolution)
    {
        double[] values;
        lock (_gate)
        {
            if (!_samples.TryGetValue((provider, resolution), out var queue) || queue.Count < 3)
            {
                return null;
            }

            values = [.. queue];
        }

        Array.Sort(values);
        return TimeSpan.FromSeconds(values[values.Length / 2]);
    }
}
