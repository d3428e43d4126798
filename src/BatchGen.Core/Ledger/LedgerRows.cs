using System.Data.Common;

namespace BatchGen.Core.Ledger;

/// <summary>Maps <c>jobs</c> and <c>events</c> rows to records. Column order matches the SELECT lists below.</summary>
internal static class LedgerRows
{
    public const string JobColumns =
        "spec_json, state, attempts, remote_id, result_url, file_path, bytes, sha256, estimated_cost_usd, "
        + "actual_cost_usd, error_class, error_code, error_message, submitted_at, started_at, completed_at, updated_at, in_manifest, "
        + "video_width, video_height, video_seconds, video_codec, video_warning, id, provider";

    /// <summary>The same list for a ledger written before the <c>video_facts</c> migration (opened read-only).</summary>
    public static readonly string JobColumnsWithoutVideo = JobColumns[..JobColumns.IndexOf("video_width", StringComparison.Ordinal)]
        + "NULL, NULL, NULL, NULL, NULL, id, provider";

    /// <summary>The job columns plus the job's output records as one JSON array (after the <c>outputs</c> migration).</summary>
    /// A ledger opened read-only may predate the <c>output_stamps</c> migration (<paramref name="withStamps"/> false) or the
    /// <c>stored_objects</c> one (<paramref name="withObjects"/> false: no object key or URL per output).
    /// A ledger from the <c>compact_rows</c> step on (<paramref name="withRefs"/>) takes output 1's URL, path and SHA-256
    /// from the event it points at when its own are null.
    /// A ledger from the <c>compact_keys</c> step on (<paramref name="keyed"/>) names the job of an output by its <c>seq</c>.
    /// A SHA-256 stored as bytes (<c>compact_values</c>) is given as its hex text.
    public static string WithOutputs(string jobColumns, bool withStamps = true, bool withObjects = true, bool withRefs = true, bool keyed = true) => jobColumns
        + (withRefs
            ? ", (SELECT json_group_array(json_object('index', o.output_index, 'result_url', COALESCE(o.result_url, eu.result_url), "
                + "'file_path', COALESCE(o.file_path, ef.file_path), "
                + "'bytes', o.bytes, 'sha256', " + LedgerBlobs.Sha256Sql("COALESCE(o.sha256, ef.sha256)") + ", "
            : ", (SELECT json_group_array(json_object('index', o.output_index, 'result_url', o.result_url, 'file_path', o.file_path, "
                + "'bytes', o.bytes, 'sha256', o.sha256, ")
        + "'width', o.width, 'height', o.height, 'duration_seconds', o.duration_seconds"
        + (withStamps ? ", 'file_mtime_ns', o.file_mtime_ns, 'file_inode', o.file_inode" : string.Empty)
        + (withObjects ? ", 'object_key', s.object_key, 'object_url', s.object_url, 'stored_at', s.stored_at, 'object_sha256', s.sha256" : string.Empty)
        + ") ORDER BY o.output_index) FROM outputs o "
        + (withRefs ? "LEFT JOIN events eu ON eu.seq = o.url_event LEFT JOIN events ef ON ef.seq = o.file_event " : string.Empty)
        + (withObjects ? "LEFT JOIN stored_objects s ON s.job_id = jobs.id AND s.output_index = o.output_index " : string.Empty)
        + "WHERE " + (keyed ? "o.job_seq = jobs.seq" : "o.job_id = jobs.id") + ") AS "
        + OutputsColumn;

    internal const string OutputsColumn = "outputs_json";

    private const int OutputsOrdinal = 25;

    /// <summary>The events as <see cref="ReadEvent"/> reads them, from a ledger before the <c>compact_keys</c> step.</summary>
    public const string EventsSelect = "SELECT " + EventColumns + " FROM events";

    /// <summary>The event columns in <see cref="ReadEvent"/>'s order (PostgreSQL, and SQLite before <c>compact_keys</c>).</summary>
    public const string EventColumns =
        "job_id, state, time, attempt, remote_id, http_status, error_class, error_code, error_message, "
        + "estimated_cost_usd, actual_cost_usd, result_url, file_path, bytes, sha256, note";

    /// <summary>The same from the <c>compact_keys</c> step on: the job's id from its row, the state a code, the time an integer.</summary>
    public const string KeyedEventsSelect =
        "SELECT j.id, e.state, e.time, e.attempt, e.remote_id, e.http_status, e.error_class, e.error_code, e.error_message, "
        + "e.estimated_cost_usd, e.actual_cost_usd, e.result_url, e.file_path, e.bytes, e.sha256, e.note FROM events e JOIN jobs j ON j.seq = e.job_seq";

    /// <summary>
    /// A job row. Its <c>result_url</c>, <c>file_path</c> and <c>sha256</c> hold <c>''</c> when they equal output 1's
    /// (schema step <c>compact_rows</c>): read from output 1 then. A spec naming a shared list of axes (<c>compact_values</c>)
    /// is read with <paramref name="sharedAxes"/>.
    /// </summary>
    public static LedgerJob ReadJob(DbDataReader r) => ReadJob(r, null);

    /// <summary>As <see cref="ReadJob(DbDataReader)"/>, for a ledger whose rows may name shared lists of axes.</summary>
    public static LedgerJob ReadJob(DbDataReader r, Func<long, IReadOnlyList<string>?>? sharedAxes)
    {
        var outputs = r.FieldCount > OutputsOrdinal && r.GetName(OutputsOrdinal) == OutputsColumn && Text(r, OutputsOrdinal) is { Length: > 2 } json
            ? ParseOutputs(json)
            : [];
        var job = ReadJobRow(r, outputs, sharedAxes);
        if (job.ResultUrl is not { Length: 0 } && job.FilePath is not { Length: 0 } && job.Sha256 is not { Length: 0 })
        {
            return job;
        }

        var first = outputs.Find(o => o.Index == 1);
        return job with
        {
            ResultUrl = job.ResultUrl is { Length: 0 } ? first?.ResultUrl : job.ResultUrl,
            FilePath = job.FilePath is { Length: 0 } ? first?.FilePath : job.FilePath,
            Sha256 = job.Sha256 is { Length: 0 } ? first?.Sha256 : job.Sha256,
        };
    }

    private static LedgerJob ReadJobRow(DbDataReader r, List<LedgerOutput> outputs, Func<long, IReadOnlyList<string>?>? sharedAxes) => new()
    {
        Spec = LedgerValues.ParseSpec(r.GetString(0), r.GetString(23), r.GetString(24), sharedAxes),
        State = LedgerValues.ParseState(r.GetString(1)),
        Attempts = r.GetInt32(2),
        RemoteId = LedgerBlobs.ReadRemoteId(r, 3),
        ResultUrl = Text(r, 4),
        FilePath = Text(r, 5),
        Bytes = Int64(r, 6),
        Sha256 = LedgerBlobs.ReadSha256(r, 7),
        EstimatedCostUsd = Money(r, 8),
        ActualCostUsd = Money(r, 9),
        ErrorClass = Text(r, 10) is { } errorClass ? LedgerValues.ParseErrorClass(errorClass) : null,
        ErrorCode = Text(r, 11),
        ErrorMessage = Text(r, 12),
        SubmittedAt = Time(r, 13),
        StartedAt = Time(r, 14),
        CompletedAt = Time(r, 15),
        UpdatedAt = LedgerValues.ReadTime(r, 16),
        InManifest = r.GetInt64(17) != 0,
        Video = r.IsDBNull(18) || r.IsDBNull(19)
            ? null
            : new Media.VideoFacts(r.GetInt32(18), r.GetInt32(19), r.IsDBNull(20) ? 0 : r.GetDouble(20), Text(r, 21) ?? string.Empty) { Warning = Text(r, 22) },
        Outputs = outputs,
    };

    public static LedgerEvent ReadEvent(DbDataReader r) => new()
    {
        JobId = r.GetString(0),
        State = LedgerValues.ReadState(r, 1),
        Time = LedgerValues.ReadTime(r, 2),
        Attempt = r.GetInt32(3),
        RemoteId = LedgerBlobs.ReadRemoteId(r, 4),
        HttpStatus = r.IsDBNull(5) ? null : r.GetInt32(5),
        ErrorClass = Text(r, 6) is { } errorClass ? LedgerValues.ParseErrorClass(errorClass) : null,
        ErrorCode = Text(r, 7),
        ErrorMessage = Text(r, 8),
        EstimatedCostUsd = Money(r, 9),
        ActualCostUsd = Money(r, 10),
        ResultUrl = Text(r, 11),
        FilePath = Text(r, 12),
        Bytes = Int64(r, 13),
        Sha256 = LedgerBlobs.ReadSha256(r, 14),
        Note = Text(r, 15),
    };

    /// <summary>
    /// The <c>outputs_json</c> array, read in one forward pass (a report reads it for every job, twice): a property
    /// that is not a string (text) or a number (numbers) counts as absent, as does an unknown one.
    /// </summary>
    internal static List<LedgerOutput> ParseOutputs(string json)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(json, rented);
            return ParseOutputs(rented.AsSpan(0, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static List<LedgerOutput> ParseOutputs(ReadOnlySpan<byte> utf8)
    {
        var reader = new System.Text.Json.Utf8JsonReader(utf8);
        Expect(ref reader, System.Text.Json.JsonTokenType.StartArray);
        var outputs = new List<LedgerOutput>(1);
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.StartObject)
        {
            outputs.Add(ReadOutput(ref reader));
        }

        return outputs;
    }

    /// <summary>One output object, the reader on its start; leaves the reader on its end.</summary>
    private static LedgerOutput ReadOutput(ref System.Text.Json.Utf8JsonReader reader)
    {
        int? index = null;
        int? width = null, height = null;
        long? bytes = null, modified = null, inode = null;
        double? seconds = null;
        string? url = null, file = null, sha256 = null, objectKey = null, objectUrl = null, storedAt = null, objectSha256 = null;
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (reader.TokenType is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray)
            {
                // Neither text nor a number: absent, like an unknown property (the reader moves past all of it).
                reader.Skip();
            }

            var text = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
            var number = reader.TokenType == System.Text.Json.JsonTokenType.Number;
            switch (name)
            {
                case "index": index = number ? reader.GetInt32() : throw new System.Text.Json.JsonException("outputs_json: index is not a number"); break;
                case "result_url": url = text; break;
                case "file_path": file = text; break;
                case "bytes": bytes = number ? reader.GetInt64() : null; break;
                case "sha256": sha256 = text; break;
                case "width": width = number ? reader.GetInt32() : null; break;
                case "height": height = number ? reader.GetInt32() : null; break;
                case "duration_seconds": seconds = number ? reader.GetDouble() : null; break;
                case "file_mtime_ns": modified = number ? reader.GetInt64() : null; break;
                case "file_inode": inode = number ? reader.GetInt64() : null; break;
                case "object_key": objectKey = text; break;
                case "object_url": objectUrl = text; break;
                case "stored_at": storedAt = text; break;
                case "object_sha256": objectSha256 = text; break;
                default: reader.Skip(); break;
            }
        }

        // An object stored for another version of the file (the output was downloaded again since) is not this file's.
        var stored = objectSha256 == sha256;
        return new LedgerOutput
        {
            Index = index ?? throw new System.Text.Json.JsonException("outputs_json: an output has no index"),
            ResultUrl = url,
            FilePath = file,
            Bytes = bytes,
            Sha256 = sha256,
            Width = width,
            Height = height,
            DurationSeconds = seconds,
            FileModifiedNs = modified,
            FileInode = inode,
            ObjectKey = stored ? objectKey : null,
            ObjectUrl = stored ? objectUrl : null,
            StoredAt = stored && storedAt is not null ? LedgerValues.ParseTime(storedAt) : null,
        };
    }

    private static void Expect(ref System.Text.Json.Utf8JsonReader reader, System.Text.Json.JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new System.Text.Json.JsonException($"outputs_json: expected {token}");
        }
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Int64(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static decimal? Money(DbDataReader r, int i) => r.IsDBNull(i) ? null : LedgerValues.ParseMoney(r.GetString(i));

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : LedgerValues.ReadTime(r, i);
}
