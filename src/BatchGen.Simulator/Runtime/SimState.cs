using System.Collections.Concurrent;
using System.Security.Cryptography;
using BatchGen.Core.Jobs;

namespace BatchGen.Simulator;

/// <summary>Everything the simulator knows at run time: settings copied at start, the providers, the log and stats.</summary>
internal sealed class SimState
{
    private readonly ConcurrentDictionary<string, int> idempotencyKeys = new(StringComparer.Ordinal);
    private int submitsWithoutKey;

    public SimState(SimulatorScenario scenario, int seed, double timeScale, TimeProvider time, TaskJournal? journal = null)
    {
        Seed = seed;
        TimeScale = timeScale;
        Time = time;
        Journal = journal;
        Log = new RequestLog(scenario.RequestLogCapacity);
        Tokens = new FileTokens(journal?.SigningKey ?? RandomNumberGenerator.GetBytes(32));
        Providers = ProviderNames.All.ToDictionary(
            name => name,
            name => new ProviderRuntime(name, scenario.For(name), this),
            StringComparer.Ordinal);
        foreach (var entry in journal?.Entries ?? [])
        {
            if (Providers.TryGetValue(entry.Provider, out var provider))
            {
                provider.Restore(entry);
            }
        }
    }

    /// <summary>Where created tasks are kept across restarts; null = in memory only.</summary>
    public TaskJournal? Journal { get; }

    public int Seed { get; }

    public double TimeScale { get; }

    public TimeProvider Time { get; }

    public RequestLog Log { get; }

    public FileTokens Tokens { get; }

    /// <summary>Images uploaded through Pixwith's pre_url flow, and the fetcher of loopback image URLs.</summary>
    public SimImages Images { get; } = new();

    public IReadOnlyDictionary<string, ProviderRuntime> Providers { get; }

    /// <summary>Set once Kestrel is listening: http://127.0.0.1:PORT (no trailing slash).</summary>
    public string PublicOrigin { get; set; } = "http://127.0.0.1";

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>A nominal duration in seconds, multiplied by the time scale.</summary>
    public TimeSpan Scaled(double nominalSeconds) => TimeSpan.FromSeconds(nominalSeconds * TimeScale);

    public void CountSubmit(string? idempotencyKey)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            Interlocked.Increment(ref submitsWithoutKey);
        }
        else
        {
            idempotencyKeys.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
        }
    }

    public SimulatorStats Stats() => new()
    {
        Providers = Providers.ToDictionary(p => p.Key, p => p.Value.Counters.Snapshot(), StringComparer.Ordinal),
        IdempotencyKeys = new Dictionary<string, int>(idempotencyKeys, StringComparer.Ordinal),
        SubmitsWithoutKey = Volatile.Read(ref submitsWithoutKey),
        ImageUploads = Images.UploadCounts(),
    };

    public void Reset()
    {
        foreach (var provider in Providers.Values)
        {
            provider.Reset();
        }

        idempotencyKeys.Clear();
        Interlocked.Exchange(ref submitsWithoutKey, 0);
        Log.Clear();
        Images.Reset();
        Journal?.Clear();
    }
}
