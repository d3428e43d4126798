using System.Collections.Concurrent;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Simulator;

/// <summary>One simulated provider: its settings, tasks, key accounts and counters.</summary>
internal sealed class ProviderRuntime
{
    private readonly SimState state;
    private ConcurrentDictionary<string, SimTask> tasks = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, KeyAccount> accounts = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, int> submitOccurrences = new(StringComparer.Ordinal);
    private ConcurrentDictionary<(string ApiKey, string IdempotencyKey), SimTask> byIdempotencyKey = new();
    private long sequence;
    private long taskSequence;

    public ProviderRuntime(string name, ProviderScenario scenario, SimState state)
    {
        Name = name;
        Scenario = scenario;
        this.state = state;
        Pricing = ProviderCatalog.CreateDefaults()[name].Pricing;
        AcceptedKeys = scenario.ApiKeys is { Count: > 0 } keys ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
    }

    public string Name { get; }

    public ProviderScenario Scenario { get; }

    public SimState State => state;

    public ProviderCounters Counters { get; private set; } = new();

    private Core.Costs.PriceTable Pricing { get; }

    private HashSet<string>? AcceptedKeys { get; }

    public bool IsAccepted(string key) => AcceptedKeys?.Contains(key) ?? key.Length > 0;

    public KeyAccount Account(string key) =>
        accounts.TryGetValue(key, out var account) ? account : accounts.GetOrAdd(key, static (_, s) => new KeyAccount(s.Scenario, s.state.Now), this);

    public long NextSequence() => Interlocked.Increment(ref sequence);

    /// <summary>How many submits with this decision key came before (0 for the first): part of every draw for it.</summary>
    public int NextOccurrence(string decisionKey) => submitOccurrences.AddOrUpdate(decisionKey, 0, (_, n) => n + 1);

    public SimTask? Find(string id) => tasks.TryGetValue(id, out var task) ? task : null;

    public IEnumerable<SimTask> TasksOf(string apiKey) =>
        tasks.Values.Where(t => t.ApiKey == apiKey).OrderBy(t => t.Sequence);

    public void Add(SimTask task) => tasks[task.Id] = task;

    /// <summary>The task an earlier submit with this Idempotency-Key created for this API key, if any.</summary>
    public SimTask? FindByIdempotencyKey(string apiKey, string idempotencyKey) =>
        byIdempotencyKey.TryGetValue((apiKey, idempotencyKey), out var task) ? task : null;

    public void RememberIdempotencyKey(string apiKey, string idempotencyKey, SimTask task) =>
        byIdempotencyKey.TryAdd((apiKey, idempotencyKey), task);

    public long NextTaskSequence() => Interlocked.Increment(ref taskSequence);

    /// <summary>Counts a created task: the billed submit, its Idempotency-Key, and its drawn fate.</summary>
    public void CountCreated(SimTask task, string? idempotencyKey)
    {
        Counters.Count(Counter.Submit);
        state.CountSubmit(idempotencyKey);
        switch (task.Fate)
        {
            case TaskFate.Fail: Counters.Count(Counter.FailedTask); break;
            case TaskFate.Moderated: Counters.Count(Counter.ModeratedTask); break;
            case TaskFate.NeverFinish: Counters.Count(Counter.NeverFinishingTask); break;
        }
    }

    /// <summary>
    /// Takes back a task created before a restart (from the state journal): the task itself, its Idempotency-Key, its
    /// charge and concurrency slot on its key, the submit counters, and the occurrence and sequence counters (so a new
    /// submit never gets an id already handed out).
    /// </summary>
    public void Restore(JournalEntry entry)
    {
        var task = entry.Task;
        tasks[task.Id] = task;
        if (entry.IdempotencyKey is { } key)
        {
            byIdempotencyKey.TryAdd((task.ApiKey, key), task);
        }

        submitOccurrences.AddOrUpdate(entry.DecisionKey, entry.Occurrence, (_, n) => Math.Max(n, entry.Occurrence));
        InterlockedMax(ref taskSequence, task.Sequence);
        Account(task.ApiKey).Replay(task);
        CountCreated(task, entry.IdempotencyKey);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>The price of a job in the provider's unit: the scenario's flat price, or the built-in table.</summary>
    public decimal PriceOf(VideoSpec video, bool audio, bool multiClip, int outputs)
    {
        if (Scenario.Credits.PricePerJob is { } flat)
        {
            return flat * outputs;
        }

        var price = Pricing.Base.TryGetValue(video.Resolution, out var byDuration)
            && byDuration.TryGetValue(video.DurationSeconds, out var p) ? p : 1m;
        price += (audio ? Pricing.AudioAddOn : 0) + (multiClip ? Pricing.MultiClipAddOn : 0);
        return price * outputs;
    }

    public void Reset()
    {
        tasks = new(StringComparer.Ordinal);
        accounts = new(StringComparer.Ordinal);
        submitOccurrences = new(StringComparer.Ordinal);
        byIdempotencyKey = new();
        Interlocked.Exchange(ref sequence, 0);
        Interlocked.Exchange(ref taskSequence, 0);
        Counters = new ProviderCounters();
    }
}
