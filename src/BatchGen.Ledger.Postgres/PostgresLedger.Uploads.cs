using System.Runtime.CompilerServices;
using BatchGen.Core.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Ledger.Postgres;

/// <summary>Uploads of local images, per batch: the same records as the SQLite ledger's <c>uploads</c> table.</summary>
public sealed partial class PostgresLedger : IUploadLog
{
    /// <summary>What an upload is read from, in the order <c>ReadUpload</c> takes.</summary>
    private const string UploadColumns = "sha256, provider, url, bytes, expires_at, time, pending";

    public async Task RecordUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        EnsureWritable();
        await ExecuteAsync(
            "INSERT INTO uploads (batch_id, time, sha256, provider, url, bytes, expires_at, pending) VALUES (@batch, @time, @sha, @provider, @url, @bytes, @expires, @pending);",
            command =>
            {
                command.Parameters.AddWithValue("time", LedgerValues.Time(_time.GetUtcNow()));
                command.Parameters.AddWithValue("sha", upload.Sha256);
                command.Parameters.AddWithValue("provider", upload.Provider);
                command.Parameters.AddWithValue("url", upload.Url);
                command.Parameters.AddWithValue("bytes", upload.Bytes);
                Add(command.Parameters, "expires", NpgsqlDbType.Text, upload.ExpiresAt is { } at ? LedgerValues.Time(at) : null);
                command.Parameters.AddWithValue("pending", upload.Pending ? 1 : 0);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadRecord?> GetUploadAsync(string sha256, string provider, CancellationToken cancellationToken)
    {
        await foreach (var upload in StreamAsync(
            $"SELECT {UploadColumns} FROM uploads WHERE batch_id = @batch AND sha256 = @sha AND provider = @provider ORDER BY seq DESC LIMIT 1;",
            command =>
            {
                command.Parameters.AddWithValue("sha", sha256);
                command.Parameters.AddWithValue("provider", provider);
            },
            ReadUpload,
            cancellationToken).ConfigureAwait(false))
        {
            return upload;
        }

        return null;
    }

    /// <summary>Every upload of the batch, oldest first, streamed (a copy); none for a database that predates uploads.</summary>
    public async IAsyncEnumerable<UploadRecord> ReadUploadsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await HasTableAsync("uploads", cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var upload in StreamAsync($"SELECT {UploadColumns} FROM uploads WHERE batch_id = @batch ORDER BY seq;", null, ReadUpload, cancellationToken).ConfigureAwait(false))
        {
            yield return upload;
        }
    }

    /// <summary>A row of <see cref="UploadColumns"/>.</summary>
    private static UploadRecord ReadUpload(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : LedgerValues.ParseTime(r.GetString(4)))
        {
            Time = LedgerValues.ParseTime(r.GetString(5)),
            Pending = r.GetInt32(6) != 0,
        };

    /// <summary>Whether the database has the table (a read-only open applies no migrations: an older database lacks later tables).</summary>
    private async Task<bool> HasTableAsync(string table, CancellationToken cancellationToken)
    {
        await foreach (var exists in StreamAsync(
            "SELECT to_regclass(@table) IS NOT NULL;",
            command => command.Parameters.AddWithValue("table", $"{PostgresAddress.SchemaName}.{table}"),
            static r => r.GetBoolean(0),
            cancellationToken).ConfigureAwait(false))
        {
            return exists;
        }

        return false;
    }
}
