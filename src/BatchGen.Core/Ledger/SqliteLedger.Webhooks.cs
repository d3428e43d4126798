namespace BatchGen.Core.Ledger;

/// <summary>The ledger's record of webhook deliveries (table <c>webhook_deliveries</c>).</summary>
public sealed partial class SqliteLedger
{
    /// <summary>
    /// Records a verified delivery, durably, before it is acknowledged. Returns false when the same provider, task and
    /// status was recorded before (a repeated delivery: it must have no further effect).
    /// </summary>
    public async Task<bool> RecordWebhookAsync(string provider, string remoteId, string status, string? jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(remoteId);
        ArgumentNullException.ThrowIfNull(status);
        var now = LedgerValues.Time(_timeProvider.GetUtcNow());
        return await Writable().ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO webhook_deliveries (provider, remote_id, status, time, job_id)
                    VALUES ($provider, $remote, $status, $time, $job)
                    ON CONFLICT (provider, remote_id, status) DO NOTHING;
                    """;
                command.Parameters.AddWithValue("$provider", provider);
                command.Parameters.AddWithValue("$remote", remoteId);
                command.Parameters.AddWithValue("$status", status);
                command.Parameters.AddWithValue("$time", now);
                command.Parameters.AddWithValue("$job", (object?)jobId ?? DBNull.Value);
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deliveries recorded so far (for status and tests); zero for a ledger that predates webhooks.</summary>
    public async Task<long> CountWebhooksAsync(CancellationToken cancellationToken) =>
        !await HasTableAsync("webhook_deliveries", cancellationToken).ConfigureAwait(false) ? 0 : await QueryAsync(
            "SELECT COUNT(*) FROM webhook_deliveries;",
            static _ => { },
            static reader => reader.Read() ? reader.GetInt64(0) : 0L,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Every delivery recorded, in key order, streamed (a copy); none for a ledger that predates webhooks.</summary>
    public async IAsyncEnumerable<RecordedWebhook> ReadWebhooksAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await HasTableAsync("webhook_deliveries", cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var delivery in StreamAsync(
            "SELECT provider, remote_id, status, time, job_id FROM webhook_deliveries ORDER BY provider, remote_id, status;",
            null,
            static reader => new RecordedWebhook(reader.GetString(0), reader.GetString(1), reader.GetString(2), LedgerValues.ParseTime(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4)),
            cancellationToken).ConfigureAwait(false))
        {
            yield return delivery;
        }
    }

    /// <summary>Whether the file has the table (a ledger opened read-only is not migrated: older ones lack later tables).</summary>
    private Task<bool> HasTableAsync(string table, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;",
            command => command.Parameters.AddWithValue("$name", table),
            static reader => reader.Read() && reader.GetInt64(0) > 0,
            cancellationToken);
}
