namespace BatchGen.Simulator;

/// <summary>One request as received, secrets redacted. <see cref="Status"/> is filled once the reply is written.</summary>
internal sealed class LoggedRequest
{
    public required DateTimeOffset Time { get; init; }

    public required string Provider { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    public string? Body { get; init; }

    public int? Status { get; set; }
}

/// <summary>The last N requests, oldest first (a ring buffer).</summary>
internal sealed class RequestLog(int capacity)
{
    private const int MaxBodyChars = 8192;
    private readonly Lock gate = new();
    private readonly Queue<LoggedRequest> entries = new();

    public static readonly string Redacted = "[redacted]";

    public void Add(LoggedRequest entry)
    {
        lock (gate)
        {
            if (entries.Count >= capacity)
            {
                entries.Dequeue();
            }

            entries.Enqueue(entry);
        }
    }

    public List<LoggedRequest> Snapshot()
    {
        lock (gate)
        {
            return [.. entries];
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    /// <summary>True for headers that carry credentials: their values are never logged or served.</summary>
    public static bool IsSecretHeader(string name)
    {
        var n = name.ToLowerInvariant();
        return n is "authorization" or "proxy-authorization" or "cookie" or "set-cookie"
            || n.Contains("api-key", StringComparison.Ordinal)
            || n.Contains("apikey", StringComparison.Ordinal)
            || n.Contains("api_key", StringComparison.Ordinal)
            || n.Contains("secret", StringComparison.Ordinal)
            || n.Contains("token", StringComparison.Ordinal);
    }

    public static string? BodyText(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxBodyChars)]);
        return body.Length > MaxBodyChars ? text + "...(truncated)" : text;
    }
}
