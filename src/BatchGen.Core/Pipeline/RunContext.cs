using System.Collections.Concurrent;
using BatchGen.Core.Costs;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Pipeline;

/// <summary>What every stage of one run shares: the ledger, the budget, the clock, stop signals and counters.</summary>
internal sealed class RunContext
{
    private readonly ConcurrentDictionary<string, string> _blocked = new(StringComparer.Ordinal);
    private int _budgetStopped;
    private long _budgetRemainingJobs;
    private long _budgetRemainingMicros;
    private int _ambiguous;

    public required SqliteLedger Ledger { get; init; }

    public required RunOptions Options { get; init; }

    public required IReadOnlyDictionary<string, ProviderSettings> Providers { get; init; }

    public required BudgetGate Budget { get; init; }

    public required VideoDownloader Downloader { get; init; }

    public required TimeProvider Time { get; init; }

    public required RunProgress Progress { get; init; }

    public required ILogger Logger { get; init; }

    public LatencyTracker Latency { get; } = new();

    /// <summary>Cancelled when the user asked to stop: no new admissions, polls stop.</summary>
    public required CancellationToken StopToken { get; init; }

    /// <summary>Cancelled a grace period after <see cref="StopToken"/>: in-flight submits are abandoned.</summary>
    public required CancellationToken HardStopToken { get; init; }

    public bool BudgetStopped => Volatile.Read(ref _budgetStopped) == 1;

    public int BudgetRemainingJobs => (int)Interlocked.Read(ref _budgetRemainingJobs);

    public decimal BudgetRemainingCostUsd => Interlocked.Read(ref _budgetRemainingMicros) / 1_000_000m;

    public int Ambiguous => Volatile.Read(ref _ambiguous);

    public IReadOnlyDictionary<string, string> BlockedProviders => _blocked;

    public string? BlockedReason(string provider) => _blocked.TryGetValue(provider, out var reason) ? reason : null;

    /// <summary>Stops all submits to a provider after an account-level error; the first reason wins.</summary>
    public void Block(string provider, string reason)
    {
        if (_blocked.TryAdd(provider, reason))
        {
            Progress.For(provider).BlockedReason = reason;
            Logger.LogWarning("{Provider}: stopped submitting: {Reason}", provider, reason);
        }
    }

    /// <summary>Counts a job the budget kept from being submitted.</summary>
    public void HoldForBudget(decimal? estimatedUsd)
    {
        Interlocked.Exchange(ref _budgetStopped, 1);
        Interlocked.Increment(ref _budgetRemainingJobs);
        Interlocked.Add(ref _budgetRemainingMicros, (long)((estimatedUsd ?? 0) * 1_000_000m));
    }

    public void CountAmbiguous() => Interlocked.Increment(ref _ambiguous);

    /// <summary>Writes one event. Never cancelled: a state change that happened is always recorded.</summary>
    public Task RecordAsync(LedgerEvent ledgerEvent) => Ledger.AppendAsync(ledgerEvent, CancellationToken.None);
}
