using System.Collections.Concurrent;

namespace BatchGen.Core.Pipeline;

/// <summary>Live counters of one run, per provider; read by the CLI's progress view while the run goes on.</summary>
public sealed class RunProgress
{
    private readonly ConcurrentDictionary<string, ProviderProgress> _providers = new(StringComparer.Ordinal);

    public ProviderProgress For(string provider) => _providers.GetOrAdd(provider, static name => new ProviderProgress(name));

    public IReadOnlyList<ProviderProgress> Providers => [.. _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The run's budget gate once the run started (spent over the whole batch, the cap); null before.</summary>
    public Costs.BudgetGate? Budget { get; internal set; }

    /// <summary>Money spent over the whole batch (earlier runs included), as the budget counts it.</summary>
    public decimal BatchSpentUsd => Budget?.SpentUsd ?? _providers.Values.Sum(p => p.SpentUsd);

    /// <summary>What the cap still allows (cap - spent - reserved for jobs in flight); null without a cap.</summary>
    public decimal? BudgetLeftUsd => Budget is { MaxCostUsd: { } max } gate ? Math.Max(0m, max - gate.SpentUsd - gate.ReservedUsd) : null;
}

/// <summary>Counters of one provider. Updated with Interlocked; values are a moment's snapshot.</summary>
public sealed class ProviderProgress(string name)
{
    private long _queued;
    private long _inFlight;
    private long _succeeded;
    private long _failed;
    private long _succeededThisRun;
    private long _blocked;
    private long _held;
    private long _requests;
    private long _throttled;
    private long _handedOff;
    private long _spentMicros;

    public string Name { get; } = name;

    /// <summary>Jobs of this provider not submitted yet (counted from the ledger when the run starts).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Jobs the budget held back this run (not submitted; they wait for a higher cap).</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Jobs submitted and not finished.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public long Blocked => Interlocked.Read(ref _blocked);

    /// <summary>HTTP requests sent to the provider's API (submits and polls).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>429 replies the provider sent (each one slowed the request rate down).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Tasks whose slot was freed at the provider's promised completion, before their finishing poll (see ProviderLane.Slots.cs).</summary>
    public long HandedOff => Interlocked.Read(ref _handedOff);

    public decimal SpentUsd => Interlocked.Read(ref _spentMicros) / 1_000_000m;

    /// <summary>Why the provider stopped taking jobs (bad key, no credits), when it did.</summary>
    public string? BlockedReason { get; internal set; }

    internal void AddQueued(long delta) => Interlocked.Add(ref _queued, delta);

    internal void AddInFlight(long delta) => Interlocked.Add(ref _inFlight, delta);

    /// <summary>Jobs that succeeded in this run (not those found done at a resume): what the halt rules judge.</summary>
    public long SucceededThisRun => Interlocked.Read(ref _succeededThisRun);

    /// <summary>Counts a succeeded job; <paramref name="thisRun"/> false for one found already done at a resume.</summary>
    internal void AddSucceeded(bool thisRun = true)
    {
        Interlocked.Increment(ref _succeeded);
        if (thisRun)
        {
            Interlocked.Increment(ref _succeededThisRun);
        }
    }

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    internal void AddBlocked() => Interlocked.Increment(ref _blocked);

    internal void AddHeld() => Interlocked.Increment(ref _held);

    internal void AddRequest() => Interlocked.Increment(ref _requests);

    internal void AddThrottled() => Interlocked.Increment(ref _throttled);

    internal void AddHandedOff() => Interlocked.Increment(ref _handedOff);

    internal void AddSpent(decimal usd) => Interlocked.Add(ref _spentMicros, (long)(usd * 1_000_000m));
}
