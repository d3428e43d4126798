using System.Collections.Concurrent;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Webhooks;

/// <summary>
/// Where verified deliveries land during a run: each is recorded in the ledger (once per task and status) before the
/// receiver acknowledges it, and a finished task's outcome wakes the lane tracking it. A delivery that arrives before
/// its lane starts watching (a fast task, a slow ledger write) is kept briefly and handed over when it does.
/// </summary>
public sealed partial class WebhookInbox
{
    /// <summary>At most this many finished outcomes are kept for tasks nobody watches yet (the rest are polled).</summary>
    public const int EarlyCapacity = 10_000;

    private readonly ILedger _ledger;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Provider, string RemoteId), WebhookWatch> _watches = new();
    private readonly ConcurrentDictionary<(string Provider, string RemoteId), PollOutcome> _early = new();
    private readonly ConcurrentDictionary<string, IWebhookSource> _sources = new(StringComparer.Ordinal);

    public WebhookInbox(ILedger ledger, ILogger logger)
    {
        _ledger = ledger;
        _logger = logger;
    }

    /// <summary>Routes deliveries for <see cref="IWebhookSource.Name"/> to <paramref name="source"/> (before the run starts).</summary>
    public void Register(IWebhookSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources[source.Name] = source;
    }

    /// <summary>The source that checks deliveries for <paramref name="provider"/>, or null.</summary>
    public IWebhookSource? SourceOf(string provider) => _sources.GetValueOrDefault(provider);

    public bool Covers(string provider) => _sources.ContainsKey(provider);

    /// <summary>
    /// Starts watching a task: the returned watch completes with the outcome of its first finished delivery (at once
    /// when one already arrived). Dispose it when the task is settled.
    /// </summary>
    public WebhookWatch Watch(string provider, string remoteId, string jobId)
    {
        var key = (provider, remoteId);
        var watch = new WebhookWatch(this, key, jobId);
        _watches[key] = watch;
        if (_early.TryRemove(key, out var outcome))
        {
            watch.Complete(outcome);
        }

        return watch;
    }

    /// <summary>
    /// Records a verified delivery and wakes its task when it reports the end. Returns once the record is durable: the
    /// caller acknowledges only then. A repeat of a recorded task and status changes nothing.
    /// </summary>
    public async Task<WebhookReceipt> AcceptAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var key = (delivery.Provider, delivery.RemoteId);
        var watch = _watches.GetValueOrDefault(key);
        var isNew = await _ledger.RecordWebhookAsync(delivery.Provider, delivery.RemoteId, delivery.Status, watch?.JobId, cancellationToken).ConfigureAwait(false);
        if (!isNew)
        {
            LogDuplicate(delivery.Provider, delivery.RemoteId, delivery.Status);
            return WebhookReceipt.Duplicate;
        }

        var finished = delivery.Outcome.State is RemoteState.Succeeded or RemoteState.Failed;
        if (watch is not null)
        {
            if (finished)
            {
                watch.Complete(delivery.Outcome);
            }

            return WebhookReceipt.Recorded;
        }

        LogUnknown(delivery.Provider, delivery.RemoteId, delivery.Status);
        if (finished && _early.Count < EarlyCapacity)
        {
            _early.TryAdd(key, delivery.Outcome);
            // Watched in the meantime: hand it over now rather than wait for the safety-net poll.
            if (_watches.TryGetValue(key, out var late) && _early.TryRemove(key, out var outcome))
            {
                late.Complete(outcome);
            }
        }

        return WebhookReceipt.Unknown;
    }

    internal void Forget(WebhookWatch watch) => _watches.TryRemove(new KeyValuePair<(string, string), WebhookWatch>(watch.Key, watch));

    [LoggerMessage(EventId = 60, EventName = "webhook_duplicate", Level = LogLevel.Debug, Message = "{Provider}: webhook for task {RemoteId} ({Status}) repeated; already recorded")]
    private partial void LogDuplicate(string provider, string remoteId, string status);

    [LoggerMessage(EventId = 61, EventName = "webhook_unknown_task", Level = LogLevel.Information, Message = "{Provider}: webhook for task {RemoteId} ({Status}) that no job of this run is waiting for (yet: a delivery can overtake the submit reply); recorded and acknowledged")]
    private partial void LogUnknown(string provider, string remoteId, string status);
}

/// <summary>What became of an accepted delivery.</summary>
public enum WebhookReceipt
{
    /// <summary>New, for a task this run tracks.</summary>
    Recorded,

    /// <summary>The same task and status was recorded before: no effect.</summary>
    Duplicate,

    /// <summary>New, for a task no lane of this run watches (yet): recorded, acknowledged, logged.</summary>
    Unknown,
}

/// <summary>One lane's wait for a task's finishing delivery.</summary>
public sealed class WebhookWatch : IDisposable
{
    private readonly WebhookInbox _inbox;
    private readonly TaskCompletionSource<PollOutcome> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal WebhookWatch(WebhookInbox inbox, (string Provider, string RemoteId) key, string jobId)
    {
        _inbox = inbox;
        Key = key;
        JobId = jobId;
    }

    internal (string Provider, string RemoteId) Key { get; }

    public string JobId { get; }

    /// <summary>Completes with the outcome (succeeded or failed) of the first finishing delivery.</summary>
    public Task<PollOutcome> Finished => _finished.Task;

    internal void Complete(PollOutcome outcome) => _finished.TrySetResult(outcome);

    public void Dispose() => _inbox.Forget(this);
}
