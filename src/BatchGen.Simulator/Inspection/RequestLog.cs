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
        const StringComparison Ci = StringComparison.OrdinalIgnoreCase;
        return name.Equals("authorization", Ci) || name.Equals("proxy-authorization", Ci)
            || name.Equals("cookie", Ci) || name.Equals("set-cookie", Ci)
            || name.Contains("api-key", Ci)
            || name.Contains("apikey", Ci)
            || name.Contains("api_key", Ci)
            || name.Contains("secret", Ci)
            || name.Contains("token", Ci);
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
