using System.Runtime.CompilerServices;
using BatchGen.Core.Ledger;

namespace BatchGen.Ledger.Postgres;

/// <summary>Webhook deliveries, per batch, as a copy reads them (they are recorded by <c>RecordWebhookAsync</c>).</summary>
public sealed partial class PostgresLedger
{
    /// <summary>Every webhook delivery of the batch, in key order, streamed (a copy); none for a database that predates webhooks.</summary>
    public async IAsyncEnumerable<RecordedWebhook> ReadWebhooksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await HasTableAsync("webhook_deliveries", cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var delivery in StreamAsync(
            "SELECT provider, remote_id, status, time, job_id FROM webhook_deliveries WHERE batch_id = @batch ORDER BY provider, remote_id, status;",
            null,
            static r => new RecordedWebhook(r.GetString(0), r.GetString(1), r.GetString(2), LedgerValues.ParseTime(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4)),
            cancellationToken).ConfigureAwait(false))
        {
            yield return delivery;
        }
    }
}
