namespace BatchGen.Core.Ledger;

/// <summary>
/// One verified webhook delivery as the ledger records it (table <c>webhook_deliveries</c>): the provider, its task
/// id and the status delivered are the deduplication key; <see cref="Time"/> is when it was recorded and
/// <see cref="JobId"/> the job it belongs to when the receiving run knew it.
/// </summary>
public sealed record RecordedWebhook(string Provider, string RemoteId, string Status, DateTimeOffset Time, string? JobId);
