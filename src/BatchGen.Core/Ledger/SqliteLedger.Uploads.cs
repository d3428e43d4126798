namespace BatchGen.Core.Ledger;

/// <summary>
/// One upload of a local image: for whom (<see cref="Provider"/>: <c>pixwith</c> or <c>image_store</c>), where it
/// is (a URL, or <c>s3://bucket/key</c>), and until when (null: no known end).
/// </summary>
public sealed record UploadRecord(string Sha256, string Provider, string Url, long Bytes, DateTimeOffset? ExpiresAt)
{
    public DateTimeOffset Time { get; init; }

    /// <summary>The write-ahead intent of a transfer: the URL was known, the bytes may or may not have arrived.</summary>
    public bool Pending { get; init; }
}

/// <summary>
/// Where uploads of local images are recorded: both ledger backends keep them (table <c>uploads</c>); a ledger that
/// does not implement this gets <see cref="MemoryUploadLog"/>, and uploads are then remembered for one run only.
/// </summary>
public interface IUploadLog
{
    Task RecordUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    Task<UploadRecord?> GetUploadAsync(string sha256, string provider, CancellationToken cancellationToken);
}

/// <summary>An upload log in memory, for ledgers that do not keep uploads.</summary>
public sealed class MemoryUploadLog : IUploadLog
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), UploadRecord> _latest = new();

    public Task RecordUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        _latest[(upload.Sha256, upload.Provider)] = upload;
        return Task.CompletedTask;
    }

    public Task<UploadRecord?> GetUploadAsync(string sha256, string provider, CancellationToken cancellationToken) =>
        Task.FromResult(_latest.TryGetValue((sha256, provider), out var upload) ? upload : null);
}

public sealed partial class SqliteLedger : IUploadLog
{
    /// <summary>What an upload is read from, in the order <c>ReadUpload</c> takes.</summary>
    private const string UploadColumns = "sha256, provider, url, bytes, expires_at, time, pending";

    /// <summary>Records an upload; durable when the task completes.</summary>
    public async Task RecordUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var now = _timeProvider.GetUtcNow();
        await Writable().ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO uploads (time, sha256, provider, url, bytes, expires_at, pending) VALUES ($time, $sha, $provider, $url, $bytes, $expires, $pending);";
                command.Parameters.AddWithValue("$time", LedgerValues.Time(now));
                command.Parameters.AddWithValue("$sha", upload.Sha256);
                command.Parameters.AddWithValue("$provider", upload.Provider);
                command.Parameters.AddWithValue("$url", upload.Url);
                command.Parameters.AddWithValue("$bytes", upload.Bytes);
                command.Parameters.AddWithValue("$expires", upload.ExpiresAt is { } at ? LedgerValues.Time(at) : DBNull.Value);
                command.Parameters.AddWithValue("$pending", upload.Pending ? 1 : 0);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest upload of this content for this provider, or null when it was never uploaded for it.</summary>
    public Task<UploadRecord?> GetUploadAsync(string sha256, string provider, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {UploadColumns} FROM uploads WHERE sha256 = $sha AND provider = $provider ORDER BY seq DESC LIMIT 1;",
            command =>
            {
                command.Parameters.AddWithValue("$sha", sha256);
                command.Parameters.AddWithValue("$provider", provider);
            },
            reader => reader.Read() ? ReadUpload(reader) : null,
            cancellationToken);

    /// <summary>Every upload recorded, oldest first, streamed (a copy, status, tests); none for a ledger that predates uploads.</summary>
    public async IAsyncEnumerable<UploadRecord> ReadUploadsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await HasTableAsync("uploads", cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var upload in StreamAsync($"SELECT {UploadColumns} FROM uploads ORDER BY seq;", null, ReadUpload, cancellationToken).ConfigureAwait(false))
        {
            yield return upload;
        }
    }

    /// <summary>A row of <see cref="UploadColumns"/>.</summary>
    private static UploadRecord ReadUpload(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : LedgerValues.ParseTime(reader.GetString(4)))
        {
            Time = LedgerValues.ParseTime(reader.GetString(5)),
            Pending = reader.GetInt64(6) != 0,
        };
}
